import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { getPlayer, type PlayerRow } from '../players/index.ts';
import { deadlineOf, extendedDeadlineOf } from './privacy.deadlines.ts';
import { subjectHash } from './privacy.hashes.ts';
import {
  insertRequest,
  type PrivacyRequestRow,
  type Regime,
  type RequestType,
} from './privacy.repo.ts';
import * as repo from './privacy.requests.repo.ts';

// The life of a request answered in two steps: opened on receipt (`privacyRequests.open`),
// extended when it is complex (`privacyRequests.extend`), completed by the export or erasure
// that names it (`request_id`), once the operator has verified the subject (GDPR Art. 12(6)).

export interface OpenRequestInput {
  readonly type: RequestType;
  /** PlayLoop's id (uuid) or the casino's player_id, as `GET /api/players/{id}` takes it. */
  readonly player: string;
  readonly regime?: Regime | undefined;
  readonly note?: string | undefined;
}

/** `privacyRequests.open`: records a received request and its deadline; performs nothing. */
export async function openPrivacyRequest(
  deps: Deps,
  propertyId: string,
  input: OpenRequestInput,
): Promise<PrivacyRequestRow> {
  const player = await getPlayer(deps, propertyId, input.player);
  const regime = input.regime ?? 'gdpr';
  const now = deps.clock.now();
  return insertRequest(deps.database.db, propertyId, {
    type: input.type,
    playerId: player.id,
    subjectHash: subjectHash(player.id),
    regime,
    status: 'received',
    note: input.note ?? null,
    receivedAt: now,
    deadline: deadlineOf(regime, now),
    completedAt: null,
    completion: null,
  });
}

const notFound = () => new AppError('not_found', 'Privacy request not found');
const iso = (date: Date) => date.toISOString();

/** Why the request cannot be extended at `now`, or null when it can. */
function extensionRefusal(row: PrivacyRequestRow | undefined, now: Date): AppError | null {
  if (!row) return notFound();
  if (row.status === 'completed') {
    return new AppError('conflict', 'The privacy request is already completed: nothing to extend');
  }
  if (row.extended_until !== null) {
    return new AppError(
      'conflict',
      `The privacy request was already extended, until ${iso(row.extended_until)}: the regime allows one extension`,
    );
  }
  if (row.deadline.getTime() < now.getTime()) {
    return new AppError(
      'conflict',
      `The deadline passed on ${iso(row.deadline)}: an extension must be notified to the subject within the first period`,
    );
  }
  return null;
}

/**
 * `privacyRequests.extend`: GDPR by two further months, CCPA by 45 days, once, before the
 * first deadline passes; the reason is kept (the subject must be told it).
 */
export async function extendPrivacyRequest(
  deps: Deps,
  propertyId: string,
  input: { readonly id: string; readonly reason: string },
): Promise<PrivacyRequestRow> {
  const db = deps.database.db;
  const now = deps.clock.now();
  const row = await repo.findRequest(db, propertyId, input.id);
  const refusal = extensionRefusal(row, now);
  if (refusal || !row) throw refusal ?? notFound();
  const extended = await repo.extendRequest(db, propertyId, row.id, {
    extendedUntil: extendedDeadlineOf(row.regime, row.deadline),
    reason: input.reason,
    now,
  });
  if (extended) return extended;
  // Another extension or the completion won the race: explain with the row as it is now.
  throw (
    extensionRefusal(await repo.findRequest(db, propertyId, row.id), now) ??
    new AppError('conflict', 'The privacy request changed meanwhile')
  );
}

/** Throws unless `row` is an open request of `type` naming the player. */
export function assertCompletable(
  row: PrivacyRequestRow | undefined,
  type: RequestType,
  playerId: string,
): asserts row is PrivacyRequestRow {
  if (!row) throw notFound();
  if (row.status === 'completed') {
    throw new AppError('conflict', 'The privacy request is already completed');
  }
  if (row.type !== type) {
    throw new AppError('conflict', `The privacy request is a ${row.type} request, not ${type}`);
  }
  if (row.player_id !== playerId) {
    throw new AppError('conflict', 'The privacy request names another player');
  }
}

/**
 * Completes the opened request `id` with the proof of what was done; when it was completed or
 * changed since it was checked, says why (409).
 */
export async function completeOpened(
  db: Deps['database']['db'],
  propertyId: string,
  id: string,
  values: Parameters<typeof repo.completeRequest>[3],
): Promise<PrivacyRequestRow> {
  const done = await repo.completeRequest(db, propertyId, id, values);
  if (done) return done;
  const row = await repo.findRequest(db, propertyId, id);
  assertCompletable(row, values.type, values.playerId);
  throw new AppError('conflict', 'The privacy request changed meanwhile');
}

/** Checks the opened request before any work is done for it. */
export async function checkOpened(
  deps: Deps,
  propertyId: string,
  id: string,
  type: RequestType,
  player: PlayerRow,
): Promise<void> {
  assertCompletable(await repo.findRequest(deps.database.db, propertyId, id), type, player.id);
}

/** An attempt to answer an opened request failed: it stays open, marked failed. */
export async function recordOpenedFailure(
  deps: Deps,
  propertyId: string,
  id: string,
  error: unknown,
): Promise<void> {
  try {
    await repo.markFailed(deps.database.db, propertyId, id);
  } catch (recordError) {
    deps.logger.error({ err: recordError, cause: error }, 'privacy request: failure not recorded');
  }
}

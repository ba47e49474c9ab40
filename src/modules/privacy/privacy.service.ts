import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { getPlayer, type PlayerRow } from '../players/index.ts';
import { collectExport, exportCounts, type ExportData } from './privacy.export.ts';
import { suppressionHashes } from '../compliance/index.ts';
import { deadlineOf } from './privacy.deadlines.ts';
import { subjectHash } from './privacy.hashes.ts';
import * as repo from './privacy.repo.ts';
import type { ListedRequestRow, PrivacyRequestRow, Regime, RequestType } from './privacy.repo.ts';
import { lockRequest } from './privacy.requests.repo.ts';
import {
  assertCompletable,
  checkOpened,
  completeOpened,
  recordOpenedFailure,
} from './privacy.requests.ts';

export { deadlineOf } from './privacy.deadlines.ts';

export interface PrivacyRequestInput {
  /** PlayLoop's id (uuid) or the casino's player_id, as `GET /api/players/{id}` takes it. */
  readonly player: string;
  readonly regime?: Regime | undefined;
  readonly note?: string | undefined;
  /**
   * A request opened with `privacyRequests.open`: this call completes it (same type and player)
   * instead of recording a new one; its own regime, note and deadline stay.
   */
  readonly requestId?: string | undefined;
}

export interface ExportResult extends ExportData {
  request: PrivacyRequestRow;
}

/** Most requests the list answers. */
export const MAX_LISTED_REQUESTS = 500;

function newRequest(
  type: RequestType,
  player: { id: string },
  input: PrivacyRequestInput,
  now: Date,
  completion: Record<string, unknown>,
  keepPlayer: boolean,
): repo.NewRequest {
  const regime = input.regime ?? 'gdpr';
  return {
    type,
    playerId: keepPlayer ? player.id : null,
    subjectHash: subjectHash(player.id),
    regime,
    status: 'completed',
    note: input.note ?? null,
    receivedAt: now,
    deadline: deadlineOf(regime, now),
    completedAt: now,
    completion,
  };
}

/**
 * Records a request that could not be carried out (its transaction rolled back), so the
 * property still sees it and its deadline; the original error is what the caller gets.
 */
async function recordFailure(
  deps: Deps,
  propertyId: string,
  type: RequestType,
  player: PlayerRow,
  input: PrivacyRequestInput,
  error: unknown,
): Promise<void> {
  const now = deps.clock.now();
  const regime = input.regime ?? 'gdpr';
  try {
    await repo.insertRequest(deps.database.db, propertyId, {
      type,
      playerId: player.id,
      subjectHash: subjectHash(player.id),
      regime,
      status: 'failed',
      note: input.note ?? null,
      receivedAt: now,
      deadline: deadlineOf(regime, now),
      completedAt: null,
      completion: null,
    });
  } catch (recordError) {
    deps.logger.error({ err: recordError, cause: error }, 'privacy request: failure not recorded');
  }
}

/**
 * `privacyRequests.export`: the player's data as one JSON bundle (access and portability), and
 * the completed request recording what was exported. Read in one repeatable-read transaction.
 */
export async function exportPlayerData(
  deps: Deps,
  propertyId: string,
  input: PrivacyRequestInput,
): Promise<ExportResult> {
  const found = await getPlayer(deps, propertyId, input.player);
  const { requestId } = input;
  if (requestId !== undefined) return exportForOpened(deps, propertyId, found, requestId);
  try {
    return await deps.database.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (trx) => {
        const player = found;
        const data = await collectExport(trx, propertyId, player);
        const completion = {
          exported: exportCounts(data),
          truncated_kinds: data.truncated_kinds,
        };
        const request = await repo.insertRequest(
          trx,
          propertyId,
          newRequest('export', player, input, deps.clock.now(), completion, true),
        );
        return { request, ...data };
      });
  } catch (error) {
    if (!(error instanceof AppError)) {
      await recordFailure(deps, propertyId, 'export', found, input, error);
    }
    throw error;
  }
}

/**
 * The export of an opened request: the bundle is read in its own snapshot, then the request is
 * completed in one conditional statement (not inside the snapshot, where a concurrent completion
 * would be a serialization failure rather than a clear 409).
 */
async function exportForOpened(
  deps: Deps,
  propertyId: string,
  player: PlayerRow,
  requestId: string,
): Promise<ExportResult> {
  await checkOpened(deps, propertyId, requestId, 'export', player);
  try {
    const data = await deps.database.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute((trx) => collectExport(trx, propertyId, player));
    const request = await completeOpened(deps.database.db, propertyId, requestId, {
      type: 'export',
      playerId: player.id,
      keepPlayer: true,
      completion: { exported: exportCounts(data), truncated_kinds: data.truncated_kinds },
      now: deps.clock.now(),
    });
    return { request, ...data };
  } catch (error) {
    if (!(error instanceof AppError)) await recordOpenedFailure(deps, propertyId, requestId, error);
    throw error;
  }
}

/**
 * `privacyRequests.delete`: erasure (GDPR Art. 17, CCPA delete), partial as gambling rules
 * require, in one transaction:
 * - writes `erased` suppression hashes of the player's email, phone and casino id (and
 *   `self_excluded` ones for a self-excluded player, so the exclusion survives re-creation);
 * - deletes the profile, its timeline (player_activity), subscription memberships, contact log,
 *   the player.* events about it and the webhook messages that carried them;
 * - keeps consent records and compliance decisions (kept under a legal obligation: proof of
 *   consent and of every send decision), which name the player by id only;
 * - records the completed request with the rows deleted and kept, by kind, naming the player
 *   by hash only from then on (earlier requests of the player are unlinked too).
 */
export async function deletePlayerData(
  deps: Deps,
  propertyId: string,
  input: PrivacyRequestInput,
): Promise<PrivacyRequestRow> {
  const found = await getPlayer(deps, propertyId, input.player);
  const { requestId } = input;
  try {
    return await deps.database.db.transaction().execute(async (trx) => {
      // The player first, then the request: the order every erasure locks in.
      const player = await repo.lockPlayer(trx, propertyId, found.id);
      // Erased by a concurrent request between the lookup and the lock.
      if (!player) throw new AppError('not_found', 'Player not found');
      if (requestId !== undefined) {
        assertCompletable(await lockRequest(trx, propertyId, requestId), 'delete', player.id);
      }
      const hashes = suppressionHashes(player);
      const suppressions = [
        ...hashes.map((hash) => ({ hash, reason: 'erased' as const })),
        ...(player.status === 'self_excluded'
          ? hashes.map((hash) => ({ hash, reason: 'self_excluded' as const }))
          : []),
      ];
      const suppressed = await repo.insertSuppressions(
        trx,
        propertyId,
        suppressions,
        'privacy request: erasure',
      );
      const kept = await repo.countKept(trx, propertyId, player.id);
      const deleted = await repo.erasePlayerRows(trx, propertyId, player.id, {
        email: player.email?.trim().toLowerCase() ?? null,
        phone: player.phone,
      });
      const completion = {
        deleted,
        kept: { ...kept, reason: 'legal obligation: consent evidence and send decisions' },
        suppressions: {
          written: suppressed,
          reasons: [...new Set(suppressions.map((s) => s.reason))],
        },
      };
      const now = deps.clock.now();
      // Before the other requests are unlinked: the opened one still names the player.
      const request =
        requestId === undefined
          ? await repo.insertRequest(
              trx,
              propertyId,
              newRequest('delete', player, input, now, completion, false),
            )
          : await completeOpened(trx, propertyId, requestId, {
              type: 'delete',
              playerId: player.id,
              keepPlayer: false,
              completion,
              now,
            });
      await repo.unlinkRequests(trx, propertyId, player.id);
      return request;
    });
  } catch (error) {
    if (!(error instanceof AppError)) {
      if (requestId === undefined) {
        await recordFailure(deps, propertyId, 'delete', found, input, error);
      } else {
        await recordOpenedFailure(deps, propertyId, requestId, error);
      }
    }
    throw error;
  }
}

/** `privacyRequests.list`: the property's requests, newest first, with their overdue flag. */
export function listPrivacyRequests(
  deps: Deps,
  propertyId: string,
  options: { limit: number; overdue?: boolean | undefined },
): Promise<ListedRequestRow[]> {
  return repo.listRequests(deps.database.db, propertyId, {
    limit: Math.min(options.limit, MAX_LISTED_REQUESTS),
    now: deps.clock.now(),
    overdue: options.overdue,
  });
}

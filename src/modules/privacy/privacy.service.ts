import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { getPlayer, type PlayerRow } from '../players/index.ts';
import { collectExport, exportCounts, type ExportData } from './privacy.export.ts';
import { suppressionHashes } from '../compliance/index.ts';
import { subjectHash } from './privacy.hashes.ts';
import * as repo from './privacy.repo.ts';
import type { PrivacyRequestRow, Regime, RequestType } from './privacy.repo.ts';

export interface PrivacyRequestInput {
  /** PlayLoop's id (uuid) or the casino's player_id, as `GET /api/players/{id}` takes it. */
  readonly player: string;
  readonly regime?: Regime | undefined;
  readonly note?: string | undefined;
}

export interface ExportResult extends ExportData {
  request: PrivacyRequestRow;
}

/** Most requests the list answers. */
export const MAX_LISTED_REQUESTS = 500;

const CCPA_DAYS = 45;

/**
 * When the answer is due: GDPR Art. 12(3) one month (the same day of the next month, or its
 * last day when it has no such day: 31 January → 28/29 February), CCPA 45 calendar days.
 */
export function deadlineOf(regime: Regime, receivedAt: Date): Date {
  if (regime === 'ccpa') return new Date(receivedAt.getTime() + CCPA_DAYS * 86_400_000);
  const due = new Date(receivedAt.getTime());
  const day = due.getUTCDate();
  due.setUTCDate(1);
  due.setUTCMonth(due.getUTCMonth() + 1);
  const lastDay = new Date(Date.UTC(due.getUTCFullYear(), due.getUTCMonth() + 1, 0)).getUTCDate();
  due.setUTCDate(Math.min(day, lastDay));
  return due;
}

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
  try {
    return await deps.database.db.transaction().execute(async (trx) => {
      const player = await repo.lockPlayer(trx, propertyId, found.id);
      // Erased by a concurrent request between the lookup and the lock.
      if (!player) throw new AppError('not_found', 'Player not found');
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
      await repo.unlinkRequests(trx, propertyId, player.id);
      const completion = {
        deleted,
        kept: { ...kept, reason: 'legal obligation: consent evidence and send decisions' },
        suppressions: {
          written: suppressed,
          reasons: [...new Set(suppressions.map((s) => s.reason))],
        },
      };
      return repo.insertRequest(
        trx,
        propertyId,
        newRequest('delete', player, input, deps.clock.now(), completion, false),
      );
    });
  } catch (error) {
    if (!(error instanceof AppError)) {
      await recordFailure(deps, propertyId, 'delete', found, input, error);
    }
    throw error;
  }
}

/** `privacyRequests.list`: the property's requests, newest first. */
export function listPrivacyRequests(
  deps: Deps,
  propertyId: string,
  limit: number,
): Promise<PrivacyRequestRow[]> {
  return repo.listRequests(deps.database.db, propertyId, Math.min(limit, MAX_LISTED_REQUESTS));
}

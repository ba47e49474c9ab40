import { randomUUID } from 'node:crypto';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import type { ApiKeyContext } from '../api-keys/index.ts';
import { requireOrgRole, roleAtLeast } from '../organizations/index.ts';
import type { Actor } from '../users/index.ts';
import {
  type ConsumedSession,
  consumeSession as consumeSessionRow,
  findSessionByToken,
  insertSession,
} from './sessions.batched.ts';
import {
  findGameInStream,
  findOrgSession,
  listSessions as listSessionRows,
  revokeSession as revokeSessionRow,
  type SessionRow,
  type SessionStatus,
} from './sessions.repo.ts';

export const SESSION_GONE_MESSAGE = 'Session is invalid, already consumed, or expired';
export const DEFAULT_EXPIRES_IN_MINUTES = 1440;
export const MAX_METADATA_BYTES = 16 * 1024;

export interface CreateSessionInput {
  game_id?: number | null | undefined;
  stream_id?: number | null | undefined;
  external_ref?: string | null | undefined;
  metadata?: Record<string, unknown> | null | undefined;
  expires_in_minutes?: number | undefined;
}

export function statusAt(row: Pick<SessionRow, 'status' | 'expires_at'>, now: Date): SessionStatus {
  return row.status === 'active' && row.expires_at <= now ? 'expired' : row.status;
}

function assertInScope(key: ApiKeyContext, gameId: number | null, streamId: number | null): void {
  if (gameId !== null && key.allowed_game_ids && !key.allowed_game_ids.includes(gameId)) {
    throw new AppError('forbidden', `This API key does not have access to game ${gameId}`);
  }
  if (streamId !== null && key.allowed_stream_ids && !key.allowed_stream_ids.includes(streamId)) {
    throw new AppError('forbidden', `This API key does not have access to stream ${streamId}`);
  }
}

export function playUrl(
  deps: Deps,
  session: Pick<SessionRow, 'token' | 'game_id' | 'stream_id'>,
): string {
  const base = deps.config.publicUrl;
  const target =
    session.stream_id !== null ? `stream/${session.stream_id}` : `game/${session.game_id}`;
  return `${base}/play/${target}?session_token=${session.token}`;
}

export async function createSession(
  deps: Deps,
  key: ApiKeyContext,
  input: CreateSessionInput,
): Promise<SessionRow> {
  const gameId = input.game_id ?? null;
  const streamId = input.stream_id ?? null;
  if (gameId === null && streamId === null) {
    throw new AppError('validation_failed', 'At least one of game_id or stream_id is required');
  }
  assertInScope(key, gameId, streamId);
  let metadataJson: string | null = null;
  if (input.metadata !== undefined && input.metadata !== null) {
    metadataJson = JSON.stringify(input.metadata);
    if (Buffer.byteLength(metadataJson) > MAX_METADATA_BYTES) {
      throw new AppError(
        'validation_failed',
        `metadata must be at most ${MAX_METADATA_BYTES} bytes of JSON`,
      );
    }
  }
  if (gameId !== null && streamId !== null) {
    // Both: a token for one game of the stream. Another organization's stream or game is 404,
    // as when it is sent alone; only a game of the organization outside the stream is a 400.
    const found = await findGameInStream(deps.database.db, key.org_id, streamId, gameId);
    if (!found.stream) throw new AppError('not_found', 'Stream not found');
    if (!found.game) throw new AppError('not_found', 'Game not found');
    if (!found.inStream) {
      throw new AppError('validation_failed', `Game ${gameId} is not part of stream ${streamId}`);
    }
  }
  const now = deps.clock.now();
  const minutes = input.expires_in_minutes ?? DEFAULT_EXPIRES_IN_MINUTES;
  try {
    return await insertSession(deps.database, {
      orgId: key.org_id,
      token: randomUUID(),
      apiKeyId: key.id,
      gameId,
      streamId,
      externalRef: input.external_ref ?? null,
      metadataJson,
      expiresAt: new Date(now.getTime() + minutes * 60_000),
      createdAt: now,
    });
  } catch (error) {
    const { code, constraint } = error as { code?: string; constraint?: string };
    if (code === '23503') {
      const what = constraint?.includes('stream') ? 'Stream' : 'Game';
      throw new AppError('not_found', `${what} not found`);
    }
    throw error;
  }
}

export async function validateSession(
  deps: Deps,
  token: string,
): Promise<SessionRow & { effective_status: SessionStatus }> {
  const row = await findSessionByToken(deps.database, token);
  if (!row) throw new AppError('not_found', 'Session not found');
  return { ...row, effective_status: statusAt(row, deps.clock.now()) };
}

export async function consumeSession(
  deps: Deps,
  token: string,
  playerUuid: string | null,
): Promise<ConsumedSession> {
  const row = await consumeSessionRow(deps.database, token, deps.clock.now(), playerUuid);
  deps.metrics.sessionConsume('api', row ? 'consumed' : 'refused');
  // Unknown tokens get the same 410: the documented message already says "invalid".
  if (!row) throw new AppError('session_gone', SESSION_GONE_MESSAGE);
  return row;
}

export async function revokeSession(
  deps: Deps,
  key: ApiKeyContext,
  token: string,
): Promise<SessionRow> {
  const existing = await findOrgSession(deps.database.db, key.org_id, token);
  if (!existing) throw new AppError('not_found', 'Session not found');
  assertInScope(key, existing.game_id, existing.stream_id);
  const revoked = await revokeSessionRow(deps.database.db, key.org_id, token, deps.clock.now());
  if (!revoked) throw new AppError('session_gone', SESSION_GONE_MESSAGE);
  return revoked;
}

export interface ListSessionsInput {
  status?: SessionStatus | undefined;
  game_id?: number | undefined;
  stream_id?: number | undefined;
  external_ref?: string | undefined;
  cursor?: number | undefined;
  limit?: number | undefined;
}

export async function listSessions(
  deps: Deps,
  key: ApiKeyContext,
  input: ListSessionsInput,
): Promise<{ sessions: SessionRow[]; nextCursor: number | null; now: Date }> {
  return sessionsPage(deps, key.org_id, input, {
    games: key.allowed_game_ids,
    streams: key.allowed_stream_ids,
  });
}

/**
 * The organization's sessions for a signed-in member (the dashboard), Analyst and above. A
 * session's token opens its game once, so only those who could mint one (Owners and Admins,
 * who manage the keys) see it; the others get every other field.
 */
export async function listOrgSessions(
  deps: Deps,
  actor: Actor,
  orgId: number,
  input: ListSessionsInput,
): Promise<{ sessions: SessionRow[]; nextCursor: number | null; now: Date; tokens: boolean }> {
  const { role } = await requireOrgRole(deps, actor, orgId, 'Analyst');
  const page = await sessionsPage(deps, orgId, input, { games: null, streams: null });
  return { ...page, tokens: roleAtLeast(role, 'Admin') };
}

async function sessionsPage(
  deps: Deps,
  orgId: number,
  input: ListSessionsInput,
  reach: { games: number[] | null; streams: number[] | null },
): Promise<{ sessions: SessionRow[]; nextCursor: number | null; now: Date }> {
  const limit = input.limit ?? 50;
  const now = deps.clock.now();
  const sessions = await listSessionRows(deps.database.db, orgId, {
    status: input.status,
    gameId: input.game_id,
    streamId: input.stream_id,
    externalRef: input.external_ref,
    beforeId: input.cursor,
    limit,
    now,
    allowedGameIds: reach.games,
    allowedStreamIds: reach.streams,
  });
  const last = sessions.at(-1);
  return { sessions, nextCursor: sessions.length === limit && last ? last.id : null, now };
}

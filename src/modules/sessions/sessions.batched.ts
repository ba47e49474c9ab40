import type { Database } from '../../db/connect.ts';
import { Batcher } from '../../lib/batcher.ts';
import { insertEventsSelect, sessionFields, streamFields } from '../events/index.ts';
import type { SessionRow } from './sessions.repo.ts';

/*
 * The three per-request statements of the public API (create, validate, consume). Concurrent
 * requests of one process are coalesced by a Batcher into one statement over arrays, so a busy
 * server pays one round trip and one commit for many requests; each request still gets exactly
 * its own answer. See bench/README.md for what this buys.
 */

const COLUMNS = `s.id, s.token, s.org_id, s.api_key_id, s.game_id, s.stream_id, s.external_ref,
  s.metadata, s.status, s.expires_at, s.created_at, s.consumed_at, s.revoked_at, s.player_uuid`;

export interface NewSession {
  orgId: number;
  token: string;
  apiKeyId: number | null;
  gameId: number | null;
  streamId: number | null;
  externalRef: string | null;
  metadataJson: string | null;
  expiresAt: Date;
  createdAt: Date;
}

// The composite foreign keys (org_id, game_id) and (org_id, stream_id) reject a game or stream
// of another organization, so no separate existence check is needed. Each session's
// session.created event is written by the same statement (events module).
const INSERT_BATCH_SQL = `
WITH s AS (
  INSERT INTO game_sessions
    (org_id, token, api_key_id, game_id, stream_id, external_ref, metadata, expires_at, created_at)
  SELECT * FROM unnest($1::int[], $2::uuid[], $3::int[], $4::int[], $5::int[], $6::text[],
                       $7::jsonb[], $8::timestamptz[], $9::timestamptz[])
  RETURNING *
), recorded AS (
  ${insertEventsSelect('session.created', {
    occurredAt: 's.created_at',
    orgId: 's.org_id',
    data: `jsonb_build_object(${sessionFields('s')}, 'game_id', s.game_id,
      ${streamFields('s.stream_id', 'st')}, 'api_key_id', s.api_key_id,
      'created_at', s.created_at, 'expires_at', s.expires_at)`,
    from: 's LEFT JOIN streams st ON st.org_id = s.org_id AND st.id = s.stream_id',
  })}
)
SELECT ${COLUMNS} FROM s`;

const FIND_BATCH_SQL = `SELECT ${COLUMNS} FROM game_sessions s WHERE s.token = ANY($1::uuid[])`;

// The row lock each UPDATE takes makes a concurrent consume of the same token (another batch,
// another process) wait, re-check `status = 'active'` and match nothing: exactly one consume
// wins. Tokens are sorted so that overlapping batches lock their rows in the same order. Each
// winning consume writes its session.consumed event in the same statement.
const CONSUME_BATCH_SQL = `
WITH s AS (
  UPDATE game_sessions s
     SET status = 'consumed', consumed_at = $2, player_uuid = u.player_uuid
    FROM unnest($1::uuid[], $3::text[]) AS u(token, player_uuid)
   WHERE s.token = u.token AND s.status = 'active' AND s.expires_at > $2
  RETURNING s.token, s.id, s.org_id, s.stream_id, s.game_id, s.external_ref, s.metadata,
            s.player_uuid, s.consumed_at
), recorded AS (
  ${insertEventsSelect('session.consumed', {
    occurredAt: 's.consumed_at',
    orgId: 's.org_id',
    data: `jsonb_build_object(${sessionFields('s')}, 'game_id', s.game_id,
      ${streamFields('s.stream_id', 'st')}, 'player_uuid', s.player_uuid, 'via', 'api',
      'consumed_at', s.consumed_at)`,
    from: 's LEFT JOIN streams st ON st.org_id = s.org_id AND st.id = s.stream_id',
  })}
)
SELECT s.token, s.id, s.org_id, s.stream_id, s.game_id, s.external_ref, s.metadata FROM s`;

export type ConsumedSession = Pick<
  SessionRow,
  'id' | 'org_id' | 'stream_id' | 'game_id' | 'external_ref' | 'metadata'
>;

interface ConsumeRequest {
  token: string;
  playerUuid: string | null;
  now: Date;
}

const RETRYABLE = new Set(['40P01', '40001']);

async function withRetry<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      if (attempt >= 3 || !RETRYABLE.has(code)) throw error;
    }
  }
}

async function insertBatch(database: Database, batch: NewSession[]) {
  const run = (items: NewSession[]) =>
    database.prepared<SessionRow>('session_insert_batch', INSERT_BATCH_SQL, [
      items.map((s) => s.orgId),
      items.map((s) => s.token),
      items.map((s) => s.apiKeyId),
      items.map((s) => s.gameId),
      items.map((s) => s.streamId),
      items.map((s) => s.externalRef),
      items.map((s) => s.metadataJson),
      items.map((s) => s.expiresAt),
      items.map((s) => s.createdAt),
    ]);
  try {
    const byToken = new Map((await run(batch)).map((row) => [row.token, row]));
    return batch.map((s) => byToken.get(s.token) ?? new Error('inserted row missing'));
  } catch (error) {
    if (batch.length === 1) return [error as Error];
    // One bad row (a foreign game) fails the statement: give each request its own outcome.
    const results: (SessionRow | Error)[] = [];
    for (const s of batch) {
      results.push(
        await run([s]).then(
          (rows) => rows[0]!,
          (e: unknown) => e as Error,
        ),
      );
    }
    return results;
  }
}

async function findBatch(database: Database, tokens: string[]) {
  const unique = [...new Set(tokens)];
  const rows = await database.prepared<SessionRow>('session_find_batch', FIND_BATCH_SQL, [unique]);
  const byToken = new Map(rows.map((row) => [row.token, row]));
  return tokens.map((token) => byToken.get(token));
}

async function consumeBatch(database: Database, requests: ConsumeRequest[]) {
  // Within a batch a token goes to its first request only; later duplicates lose, as they
  // would against an already committed consume.
  const first = new Map<string, number>();
  requests.forEach((request, i) => {
    if (!first.has(request.token)) first.set(request.token, i);
  });
  const tokens = [...first.keys()].sort();
  const players = tokens.map((token) => requests[first.get(token)!]!.playerUuid);
  const now = requests[0]!.now;
  const rows = await withRetry(() =>
    database.prepared<ConsumedSession & { token: string }>(
      'session_consume_batch',
      CONSUME_BATCH_SQL,
      [tokens, now, players],
    ),
  );
  const byToken = new Map(rows.map(({ token, ...row }) => [token, row]));
  return requests.map((request, i) =>
    first.get(request.token) === i ? byToken.get(request.token) : undefined,
  );
}

interface Batchers {
  insert: Batcher<NewSession, SessionRow>;
  find: Batcher<string, SessionRow | undefined>;
  consume: Batcher<ConsumeRequest, ConsumedSession | undefined>;
}

const batchersOf = new WeakMap<Database, Batchers>();

function batchers(database: Database): Batchers {
  let found = batchersOf.get(database);
  if (!found) {
    found = {
      insert: new Batcher((items) => insertBatch(database, items)),
      find: new Batcher((tokens) => findBatch(database, tokens)),
      consume: new Batcher((requests) => consumeBatch(database, requests)),
    };
    batchersOf.set(database, found);
  }
  return found;
}

export function insertSession(database: Database, session: NewSession): Promise<SessionRow> {
  return batchers(database).insert.load(session);
}

/** Looks a token up across organizations: tokens are public bearer capabilities. */
export function findSessionByToken(
  database: Database,
  token: string,
): Promise<SessionRow | undefined> {
  return batchers(database).find.load(token);
}

/** Consumes one token; undefined when it is unknown, used, revoked or expired. */
export function consumeSession(
  database: Database,
  token: string,
  now: Date,
  playerUuid: string | null,
): Promise<ConsumedSession | undefined> {
  return batchers(database).consume.load({ token, playerUuid, now });
}

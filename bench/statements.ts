/**
 * The single-row statements of create, validate and consume: what each request would cost a
 * server that sent one statement per request. They are the raw ceiling the benchmark reports
 * against (pgbench on PostgreSQL, a prepared-statement loop on PGlite). The server itself runs
 * the array forms in src/modules/sessions/sessions.batched.ts, which coalesce the requests of a
 * busy process, so its HTTP rate can exceed this ceiling.
 */
const COLUMNS = `id, token, org_id, api_key_id, game_id, stream_id, external_ref, metadata, status,
  expires_at, created_at, consumed_at, revoked_at, player_uuid`;

export const SINGLE_ROW_STATEMENTS = {
  insert: `INSERT INTO game_sessions
  (org_id, token, api_key_id, game_id, stream_id, external_ref, metadata, expires_at, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9) RETURNING ${COLUMNS}`,
  find: `SELECT ${COLUMNS} FROM game_sessions WHERE token = $1`,
  consume: `UPDATE game_sessions SET status = 'consumed', consumed_at = $2, player_uuid = $3
 WHERE token = $1 AND status = 'active' AND expires_at > $2
RETURNING id, org_id, stream_id, game_id, external_ref, metadata`,
} as const;

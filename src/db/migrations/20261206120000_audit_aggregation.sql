-- Refused API key requests (revoked, inactive, expired or plan-refused keys, and requests over a
-- key's rate limit) are aggregated: one row per key, action, outcome, status and minute, with a
-- count. A revoked key sent in a loop then adds at most one row a minute per outcome instead of
-- one per request. Rows of requests that passed the gate stay one per request (count 1).
ALTER TABLE api_key_usage ADD COLUMN count integer NOT NULL DEFAULT 1;
ALTER TABLE api_key_usage ADD COLUMN aggregated boolean NOT NULL DEFAULT false;
-- The conflict target of the per-minute upsert; created_at of an aggregated row is its minute.
CREATE UNIQUE INDEX api_key_usage_aggregate_idx
  ON api_key_usage (org_id, api_key_id, action, outcome, status_code, created_at)
  WHERE aggregated;

-- Players as the vendor SDK writes them: `players.create({ email, tier: "Gold", adt: 250,
-- coin_in: 18000 })` carries no casino player id, so player_id becomes optional.
--
-- Uniqueness: the constraint UNIQUE (property_id, player_id) stays as it is. A unique constraint
-- treats NULLs as distinct (PostgreSQL's default, NULLS DISTINCT), so it still refuses a second
-- player with the same casino id in a property, while any number of players without one
-- coexist. It keeps serving as the arbiter of the batch upsert's
-- `ON CONFLICT (property_id, player_id)`: a row without player_id never conflicts, so it is a
-- plain insert. (A partial unique index `WHERE player_id IS NOT NULL` would be equivalent but
-- would need every ON CONFLICT to repeat its predicate.) The CHECK on its length passes NULL.
ALTER TABLE players ALTER COLUMN player_id DROP NOT NULL;

-- Free-text search (`q`) also covers what a marketer types besides names: the loyalty tier
-- ("gold") and the state ("nevada", "NV"). Not status (use status.eq=…; "active" is a
-- substring of "inactive") nor the two-letter country (matches too much). Dropping the column
-- drops its trigram index; both are made again, as in 20261123100000_player_search.sql.
-- src/modules/players/players.table.ts searches this column.
ALTER TABLE players DROP COLUMN search_text;
ALTER TABLE players ADD COLUMN search_text text GENERATED ALWAYS AS (
  lower(coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' || coalesce(email, '')
        || ' ' || coalesce(phone, '') || ' ' || coalesce(player_id, '')
        || ' ' || coalesce(tier, '') || ' ' || coalesce(state, ''))
) STORED;

DO $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS pg_trgm;
  CREATE INDEX players_search_trgm_idx ON players USING gin (search_text gin_trgm_ops);
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'players search index not created (pg_trgm unavailable: %); q searches will scan', SQLERRM;
END
$$;

-- The new column changes every row's text without an UPDATE, so the quota's byte counters
-- (20261206130000_property_quota.sql) are recounted.
SELECT property_usage_recount();

-- Free-text search on players (`q`): one lower-cased text of the searched fields, kept by the
-- database itself, and a trigram index on it so a substring search of three or more characters
-- does not scan the property. The text joins the fields with spaces, so "ann smith" finds
-- Ann Smith. src/modules/players/players.table.ts searches this column.
ALTER TABLE players ADD COLUMN search_text text GENERATED ALWAYS AS (
  lower(coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' || coalesce(email, '')
        || ' ' || coalesce(phone, '') || ' ' || player_id)
) STORED;

-- pg_trgm ships with PostgreSQL (contrib) and PGlite, and is a trusted extension, so a database
-- owner may create it. Where it is missing, search still works, as a scan, and a notice says so.
DO $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS pg_trgm;
  CREATE INDEX players_search_trgm_idx ON players USING gin (search_text gin_trgm_ops);
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'players search index not created (pg_trgm unavailable: %); q searches will scan', SQLERRM;
END
$$;

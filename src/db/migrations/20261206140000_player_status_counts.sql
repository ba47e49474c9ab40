-- Exact player counts per property and status, so the quickstart list
-- (`GET /api/players?status.eq=active&order=created_at.desc&limit=25`) answers an exact
-- totalCount without counting a million rows on every call.
--
-- property_player_counts holds, per property and status, how many players the property has:
-- kept by statement-level triggers on players in the same transaction as the write (one upsert
-- per statement and (property, status) whose count changed; an UPDATE that does not change a
-- status or a property changes nothing here), beside property_usage (20261206130000).
--
-- Exactness under concurrency: before touching its count rows, a statement row-locks the
-- property_usage rows of the properties it changes, in property_id order, and keeps the locks
-- until commit. That is the lock property_usage's own trigger takes (its UPDATE), so every
-- writer of a property, in any server process, takes the same first lock: writers of one
-- property apply their deltas one after another, each re-reading the committed counts, and
-- lock ordering is the same in both triggers (usage rows by property_id, then count rows by
-- (property_id, status)), so they cannot deadlock. A reader sees, in any snapshot, counts that
-- match exactly the players that snapshot sees, because both change in one transaction.

CREATE TABLE property_player_counts (
  property_id  uuid NOT NULL REFERENCES properties (id) ON DELETE CASCADE,
  status       text NOT NULL,
  n            bigint NOT NULL DEFAULT 0 CHECK (n >= 0),
  PRIMARY KEY (property_id, status)
);

CREATE FUNCTION players_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  props    uuid[];
  statuses text[];
  deltas   bigint[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(d.property_id ORDER BY d.property_id, d.status),
           array_agg(d.status ORDER BY d.property_id, d.status),
           array_agg(d.n ORDER BY d.property_id, d.status)
      INTO props, statuses, deltas
      FROM (SELECT property_id, status, count(*) AS n
              FROM new_players GROUP BY property_id, status) d;
  ELSIF TG_OP = 'UPDATE' THEN
    SELECT array_agg(d.property_id ORDER BY d.property_id, d.status),
           array_agg(d.status ORDER BY d.property_id, d.status),
           array_agg(d.n ORDER BY d.property_id, d.status)
      INTO props, statuses, deltas
      FROM (SELECT c.property_id, c.status, sum(c.n) AS n
              FROM (SELECT property_id, status, 1 AS n FROM new_players
                    UNION ALL
                    SELECT property_id, status, -1 FROM old_players) c
             GROUP BY c.property_id, c.status
            HAVING sum(c.n) <> 0) d;
  ELSE
    SELECT array_agg(d.property_id ORDER BY d.property_id, d.status),
           array_agg(d.status ORDER BY d.property_id, d.status),
           array_agg(-d.n ORDER BY d.property_id, d.status)
      INTO props, statuses, deltas
      FROM (SELECT property_id, status, count(*) AS n
              FROM old_players GROUP BY property_id, status) d;
  END IF;
  IF props IS NULL THEN
    RETURN NULL;
  END IF;
  -- The first lock: the properties' usage rows, in one order (see above).
  PERFORM 1 FROM property_usage WHERE property_id = ANY (props)
    ORDER BY property_id FOR NO KEY UPDATE;
  -- Growth may create a count row; a decrease only updates one (the row exists while the
  -- players it counts do; when a property is deleted its players go by cascade, and its count
  -- rows may already be gone: nothing to update, nothing re-created).
  INSERT INTO property_player_counts AS c (property_id, status, n)
    SELECT d.property_id, d.status, d.n
      FROM unnest(props, statuses, deltas) WITH ORDINALITY AS d (property_id, status, n, i)
     WHERE d.n > 0
     ORDER BY d.i
  ON CONFLICT (property_id, status) DO UPDATE SET n = c.n + excluded.n;
  UPDATE property_player_counts c SET n = c.n + d.n
    FROM unnest(props, statuses, deltas) AS d (property_id, status, n)
   WHERE d.n < 0 AND c.property_id = d.property_id AND c.status = d.status;
  RETURN NULL;
END
$$;

CREATE TRIGGER players_counts_insert AFTER INSERT ON players
  REFERENCING NEW TABLE AS new_players
  FOR EACH STATEMENT EXECUTE FUNCTION players_counts_apply();
CREATE TRIGGER players_counts_update AFTER UPDATE ON players
  REFERENCING OLD TABLE AS old_players NEW TABLE AS new_players
  FOR EACH STATEMENT EXECUTE FUNCTION players_counts_apply();
CREATE TRIGGER players_counts_delete AFTER DELETE ON players
  REFERENCING OLD TABLE AS old_players
  FOR EACH STATEMENT EXECUTE FUNCTION players_counts_apply();

CREATE FUNCTION players_counts_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM property_player_counts;
  RETURN NULL;
END
$$;
CREATE TRIGGER players_counts_truncate AFTER TRUNCATE ON players
  FOR EACH STATEMENT EXECUTE FUNCTION players_counts_truncate();

-- Recounts from the table (to check the counters, or repair them after a manual change with
-- the triggers disabled). Exact while writers run: the usage rows are locked first, as writers
-- do, so a writer either committed before the count (and is in it) or applies after it.
-- Returns the number of count rows it changed.
CREATE FUNCTION property_player_counts_recount(only_property uuid DEFAULT NULL) RETURNS integer
  LANGUAGE plpgsql
AS $$
DECLARE
  changed integer;
  removed integer;
BEGIN
  PERFORM 1 FROM property_usage
    WHERE only_property IS NULL OR property_id = only_property
    ORDER BY property_id FOR NO KEY UPDATE;
  WITH actual AS (
    SELECT property_id, status, count(*) AS n FROM players
     WHERE only_property IS NULL OR property_id = only_property
     GROUP BY property_id, status
  ), fixed AS (
    INSERT INTO property_player_counts AS c (property_id, status, n)
      SELECT property_id, status, n FROM actual ORDER BY property_id, status
    ON CONFLICT (property_id, status) DO UPDATE SET n = excluded.n
      WHERE c.n <> excluded.n
    RETURNING 1
  )
  SELECT count(*) INTO changed FROM fixed;
  UPDATE property_player_counts c SET n = 0
   WHERE (only_property IS NULL OR c.property_id = only_property) AND c.n <> 0
     AND NOT EXISTS (SELECT 1 FROM players p
                      WHERE p.property_id = c.property_id AND p.status = c.status);
  GET DIAGNOSTICS removed = ROW_COUNT;
  RETURN changed + removed;
END
$$;

-- Backfill. The triggers exist (and hold their lock on players) before it counts, so no write
-- of a process still running the previous version falls between the two.
SELECT property_player_counts_recount();

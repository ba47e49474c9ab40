-- Per-property storage quota (rows and bytes of `players`), so open sign-up cannot fill the disk.
--
-- property_usage holds, per property, how many players it stores and how many bytes they take,
-- kept by statement-level triggers on players in the same transaction as the write: one UPDATE
-- of the property's usage row per statement, not per row, and no periodic scan. A statement
-- that would take a property past its quota raises SQLSTATE PLQ01 before it returns, so nothing
-- it wrote survives (the statement, and its transaction, roll back); the application answers
-- 403 quota_exceeded (src/modules/properties/properties.quota.ts).
--
-- Exactness under concurrency: the UPDATE row-locks the property's usage row until commit, so
-- concurrent writers of one property (in any number of server processes) apply their deltas
-- one after another, each re-reading the committed total (READ COMMITTED re-evaluates the
-- updated row). Writers of different properties never wait on each other. `rows` is therefore
-- exactly count(*) of the property's players at every commit, and can serve exact totals.
--
-- Bytes are octet_length(row::text) summed over the rows: the size of the row's text form
-- (every column, the generated search_text included). Unlike pg_column_size it does not depend
-- on compression or TOAST, so it is the same whether measured on the trigger's transition rows
-- or recounted later, and a client can predict it. The trigger functions pin TimeZone and
-- DateStyle so timestamps always print the same way; property_usage_recount() measures the
-- same way.
--
-- The limits: property_usage.max_rows / max_bytes when set (an operator's override, CLI
-- `property set-quota`), else the install default in property_quota_defaults, which every
-- server start writes from PROPERTY_MAX_ROWS / PROPERTY_MAX_BYTES. A limit only refuses writes
-- that grow the measure: deletes, and updates that do not grow a row, always pass, even above
-- a lowered quota.

CREATE TABLE property_quota_defaults (
  -- A single row.
  id         boolean PRIMARY KEY DEFAULT true CHECK (id),
  max_rows   bigint NOT NULL CHECK (max_rows >= 0),
  max_bytes  bigint NOT NULL CHECK (max_bytes >= 0)
);
INSERT INTO property_quota_defaults (max_rows, max_bytes) VALUES (5000000, 2147483648);

CREATE TABLE property_usage (
  property_id  uuid PRIMARY KEY REFERENCES properties (id) ON DELETE CASCADE,
  rows         bigint NOT NULL DEFAULT 0,
  bytes        bigint NOT NULL DEFAULT 0,
  -- NULL: the install default (property_quota_defaults).
  max_rows     bigint CHECK (max_rows >= 0),
  max_bytes    bigint CHECK (max_bytes >= 0)
);

-- Every property gets its usage row when it is created, whoever creates it.
CREATE FUNCTION property_usage_create() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO property_usage (property_id) SELECT id FROM new_properties;
  RETURN NULL;
END
$$;
CREATE TRIGGER properties_usage_create AFTER INSERT ON properties
  REFERENCING NEW TABLE AS new_properties
  FOR EACH STATEMENT EXECUTE FUNCTION property_usage_create();

-- Applies one statement's change of players to the usage rows and refuses it when it takes a
-- property past a limit. One trigger function for the three events: each reads only the
-- transition tables its event has (PL/pgSQL plans a statement when it first runs it).
CREATE FUNCTION players_usage_apply() RETURNS trigger LANGUAGE plpgsql
  SET TimeZone = 'UTC' SET DateStyle = 'ISO, MDY'
AS $$
DECLARE
  ids         uuid[];
  added_rows  bigint[];
  added_bytes bigint[];
  over        record;
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(d.property_id), array_agg(d.n), array_agg(d.b)
      INTO ids, added_rows, added_bytes
      FROM (SELECT property_id, count(*) AS n, sum(octet_length(r::text)) AS b
              FROM new_players r GROUP BY property_id) d;
  ELSIF TG_OP = 'UPDATE' THEN
    SELECT array_agg(d.property_id), array_agg(d.n), array_agg(d.b)
      INTO ids, added_rows, added_bytes
      FROM (SELECT c.property_id, sum(c.n) AS n, sum(c.b) AS b
              FROM (SELECT property_id, 1 AS n, octet_length(r::text) AS b FROM new_players r
                    UNION ALL
                    SELECT property_id, -1, -octet_length(r::text) FROM old_players r) c
             GROUP BY c.property_id
            HAVING sum(c.n) <> 0 OR sum(c.b) <> 0) d;
  ELSE
    SELECT array_agg(d.property_id), array_agg(-d.n), array_agg(-d.b)
      INTO ids, added_rows, added_bytes
      FROM (SELECT property_id, count(*) AS n, sum(octet_length(r::text)) AS b
              FROM old_players r GROUP BY property_id) d;
  END IF;
  IF ids IS NULL THEN
    RETURN NULL;
  END IF;
  -- A statement touching several properties locks their rows in one order: no deadlock
  -- between two such statements.
  IF cardinality(ids) > 1 THEN
    PERFORM 1 FROM property_usage WHERE property_id = ANY (ids)
      ORDER BY property_id FOR NO KEY UPDATE;
  END IF;
  WITH delta AS (
    SELECT * FROM unnest(ids, added_rows, added_bytes) AS d (property_id, n, b)
  ), applied AS (
    UPDATE property_usage u
       SET rows = u.rows + delta.n, bytes = u.bytes + delta.b
      FROM delta
     WHERE u.property_id = delta.property_id
    RETURNING u.property_id, u.rows, u.bytes, u.max_rows, u.max_bytes, delta.n, delta.b
  )
  SELECT a.property_id,
         CASE WHEN a.n > 0 AND a.rows > coalesce(a.max_rows, q.max_rows) THEN 'rows'
              ELSE 'bytes' END AS what,
         a.rows, a.bytes, a.n, a.b,
         coalesce(a.max_rows, q.max_rows) AS max_rows,
         coalesce(a.max_bytes, q.max_bytes) AS max_bytes
    INTO over
    FROM applied a CROSS JOIN property_quota_defaults q
   WHERE (a.n > 0 AND a.rows > coalesce(a.max_rows, q.max_rows))
      OR (a.b > 0 AND a.bytes > coalesce(a.max_bytes, q.max_bytes))
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION USING
      ERRCODE = 'PLQ01',
      MESSAGE = format('storage quota of property %s exceeded (%s)', over.property_id, over.what),
      DETAIL = json_build_object(
        'property_id', over.property_id,
        'what', over.what,
        'limit', CASE over.what WHEN 'rows' THEN over.max_rows ELSE over.max_bytes END,
        'used', CASE over.what WHEN 'rows' THEN over.rows - over.n ELSE over.bytes - over.b END,
        'requested', CASE over.what WHEN 'rows' THEN over.n ELSE over.b END
      )::text;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER players_usage_insert AFTER INSERT ON players
  REFERENCING NEW TABLE AS new_players
  FOR EACH STATEMENT EXECUTE FUNCTION players_usage_apply();
CREATE TRIGGER players_usage_update AFTER UPDATE ON players
  REFERENCING OLD TABLE AS old_players NEW TABLE AS new_players
  FOR EACH STATEMENT EXECUTE FUNCTION players_usage_apply();
CREATE TRIGGER players_usage_delete AFTER DELETE ON players
  REFERENCING OLD TABLE AS old_players
  FOR EACH STATEMENT EXECUTE FUNCTION players_usage_apply();

CREATE FUNCTION players_usage_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE property_usage SET rows = 0, bytes = 0 WHERE rows <> 0 OR bytes <> 0;
  RETURN NULL;
END
$$;
CREATE TRIGGER players_usage_truncate AFTER TRUNCATE ON players
  FOR EACH STATEMENT EXECUTE FUNCTION players_usage_truncate();

-- Recounts usage from the table: after a migration that changes players' columns (a new
-- column changes every row's text without an UPDATE), or to check the counters. Exact while
-- writers run: the usage rows are locked first, so a writer either committed before the count
-- (and is in it) or applies its delta after the recount.
CREATE FUNCTION property_usage_recount(only_property uuid DEFAULT NULL) RETURNS integer
  LANGUAGE plpgsql SET TimeZone = 'UTC' SET DateStyle = 'ISO, MDY'
AS $$
DECLARE
  changed integer;
BEGIN
  PERFORM 1 FROM property_usage
    WHERE only_property IS NULL OR property_id = only_property
    ORDER BY property_id FOR NO KEY UPDATE;
  UPDATE property_usage u SET rows = c.n, bytes = c.b
    FROM (SELECT pr.id, count(p.id) AS n, coalesce(sum(octet_length(p::text)), 0) AS b
            FROM properties pr LEFT JOIN players p ON p.property_id = pr.id
           WHERE only_property IS NULL OR pr.id = only_property
           GROUP BY pr.id) c
   WHERE u.property_id = c.id AND (u.rows, u.bytes) IS DISTINCT FROM (c.n, c.b);
  GET DIAGNOSTICS changed = ROW_COUNT;
  RETURN changed;
END
$$;

-- Backfill. The triggers exist (and hold their lock on players) before it counts, so no write
-- of a process still running the previous version falls between the two.
INSERT INTO property_usage (property_id) SELECT id FROM properties;
SELECT property_usage_recount();

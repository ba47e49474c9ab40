-- Player events (issue 11): player.created, player.updated and player.deleted, written into
-- `events` (20261206170000) by statement-level triggers on players, in the statement that
-- makes the change. One mechanism for every write path (the players API, `/api/{table}`, the
-- batch upsert, tooling): a rolled-back write leaves no event, and a refused one (the quota
-- trigger's PLQ01) neither. The payloads are described in src/modules/events/events.catalog.ts;
-- the versions written here must match it (the events tests check them).
--
-- - An UPDATE writes player.updated only for players whose visible fields changed (the list
--   below, the catalog's TRACKED_PLAYER_FIELDS): writing the same values again, or touching only
--   updated_at, writes nothing.
-- - A CSV import turns the triggers off for its own transactions with the transaction-local
--   setting `SET LOCAL playloop.player_events = 'off'` and writes one players.imported event per
--   batch instead (src/modules/players/players.import.ts): a million-row import must not write a
--   million events. Nothing else sets it; it ends with the transaction.
-- - Players deleted because their property goes (ON DELETE CASCADE) write nothing: the join on
--   properties no longer sees the property, and its events are deleted with it.
-- - TRUNCATE writes nothing (no application path truncates players).
--
-- The function pins TimeZone and DateStyle, so timestamps in payloads always read the same way.

CREATE FUNCTION players_events_apply() RETURNS trigger LANGUAGE plpgsql
  SET TimeZone = 'UTC' SET DateStyle = 'ISO, MDY'
AS $$
BEGIN
  IF current_setting('playloop.player_events', true) IS NOT DISTINCT FROM 'off' THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO events (type, version, occurred_at, org_id, property_id, payload)
    SELECT 'player.created', 1, n.created_at, pr.org_id, n.property_id,
           jsonb_build_object('property_id', n.property_id, 'id', n.id, 'player_id', n.player_id,
                              'player', to_jsonb(n) - 'search_text')
      FROM new_players n
      -- LATERAL: one index lookup per row, whatever row count the cached plan was made for.
      CROSS JOIN LATERAL (SELECT org_id FROM properties WHERE id = n.property_id) pr;
  ELSIF TG_OP = 'UPDATE' THEN
    -- EXECUTE: planned for this statement's row count. A cached plan keeps the estimate of the
    -- first statement the connection ran, and after a one-row update it joins old and new
    -- rows in a nested loop: 1,000 rows then took 110 ms in that join instead of 4 (PG 15).
    EXECUTE $sql$
    INSERT INTO events (type, version, occurred_at, org_id, property_id, payload)
    SELECT 'player.updated', 1, c.occurred_at, pr.org_id, c.property_id,
           jsonb_build_object('property_id', c.property_id, 'id', c.id, 'player_id', c.player_id,
                              'changed', to_jsonb(c.changed),
                              'values', (SELECT jsonb_object_agg(f, c.fields -> f)
                                           FROM unnest(c.changed) AS f))
      FROM (SELECT n.id, n.property_id, n.player_id, to_jsonb(n) AS fields,
                   CASE WHEN n.updated_at <> o.updated_at THEN n.updated_at ELSE now() END
                     AS occurred_at,
                   array_remove(ARRAY[
                     CASE WHEN n.player_id IS DISTINCT FROM o.player_id THEN 'player_id' END,
                     CASE WHEN n.email IS DISTINCT FROM o.email THEN 'email' END,
                     CASE WHEN n.phone IS DISTINCT FROM o.phone THEN 'phone' END,
                     CASE WHEN n.first_name IS DISTINCT FROM o.first_name THEN 'first_name' END,
                     CASE WHEN n.last_name IS DISTINCT FROM o.last_name THEN 'last_name' END,
                     CASE WHEN n.status IS DISTINCT FROM o.status THEN 'status' END,
                     CASE WHEN n.tier IS DISTINCT FROM o.tier THEN 'tier' END,
                     CASE WHEN n.adt IS DISTINCT FROM o.adt THEN 'adt' END,
                     CASE WHEN n.coin_in IS DISTINCT FROM o.coin_in THEN 'coin_in' END,
                     CASE WHEN n.timezone IS DISTINCT FROM o.timezone THEN 'timezone' END,
                     CASE WHEN n.state IS DISTINCT FROM o.state THEN 'state' END,
                     CASE WHEN n.country IS DISTINCT FROM o.country THEN 'country' END,
                     CASE WHEN n.date_of_birth IS DISTINCT FROM o.date_of_birth
                          THEN 'date_of_birth' END,
                     CASE WHEN n.traits IS DISTINCT FROM o.traits THEN 'traits' END
                   ], NULL) AS changed
              FROM new_players n
              JOIN old_players o ON o.id = n.id) c
      JOIN properties pr ON pr.id = c.property_id
     WHERE cardinality(c.changed) > 0
    $sql$;
  ELSE
    INSERT INTO events (type, version, occurred_at, org_id, property_id, payload)
    SELECT 'player.deleted', 1, now(), pr.org_id, o.property_id,
           jsonb_build_object('property_id', o.property_id, 'id', o.id, 'player_id', o.player_id)
      FROM old_players o
      CROSS JOIN LATERAL (SELECT org_id FROM properties WHERE id = o.property_id) pr;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER players_events_insert AFTER INSERT ON players
  REFERENCING NEW TABLE AS new_players
  FOR EACH STATEMENT EXECUTE FUNCTION players_events_apply();
CREATE TRIGGER players_events_update AFTER UPDATE ON players
  REFERENCING OLD TABLE AS old_players NEW TABLE AS new_players
  FOR EACH STATEMENT EXECUTE FUNCTION players_events_apply();
CREATE TRIGGER players_events_delete AFTER DELETE ON players
  REFERENCING OLD TABLE AS old_players
  FOR EACH STATEMENT EXECUTE FUNCTION players_events_apply();

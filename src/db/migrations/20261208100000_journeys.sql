-- Journeys (issue 14): versioned graphs of steps that players enter on a trigger and walk one
-- step at a time, durably: every step a player takes is one committed transaction, and a player
-- waiting is a row with the time (or the event) that wakes it.

CREATE TABLE journeys (
  property_id   uuid NOT NULL REFERENCES properties (id) ON DELETE CASCADE,
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description   text CHECK (length(description) <= 2000),
  status        text NOT NULL DEFAULT 'draft'
                CHECK (status IN ('draft', 'active', 'paused', 'archived')),
  -- The graph being edited; publishing copies it into journey_versions.
  draft         jsonb NOT NULL,
  -- The live version (the newest published) and its trigger, read by the trigger lookup.
  version       integer,
  trigger_type  text,
  trigger_name  text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (property_id, name)
);
CREATE INDEX journeys_trigger_idx ON journeys (property_id, trigger_type, trigger_name)
  WHERE status = 'active';
CREATE INDEX journeys_list_idx ON journeys (property_id, created_at DESC, id DESC);

-- A published graph: never changed; players who entered it finish on it.
CREATE TABLE journey_versions (
  journey_id    uuid NOT NULL REFERENCES journeys (id) ON DELETE CASCADE,
  version       integer NOT NULL CHECK (version >= 1),
  graph         jsonb NOT NULL,
  -- The campaign each send step delivers through: {"<node id>": "<campaign uuid>"}.
  campaigns     jsonb NOT NULL DEFAULT '{}',
  published_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (journey_id, version)
);

-- One player's walk through one version. `steps` counts the steps taken: a step commits only
-- when it is still the step the worker read (an optimistic guard), so a step replayed after a
-- crash or by a second worker changes nothing.
CREATE TABLE journey_runs (
  property_id    uuid NOT NULL REFERENCES properties (id) ON DELETE CASCADE,
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  journey_id     uuid NOT NULL REFERENCES journeys (id) ON DELETE CASCADE,
  version        integer NOT NULL,
  player_id      uuid NOT NULL REFERENCES players (id) ON DELETE CASCADE,
  -- Entering twice with one key is entering once (the entry rule makes the key).
  entry_key      text NOT NULL CHECK (length(entry_key) <= 300),
  status         text NOT NULL CHECK (status IN ('active', 'waiting', 'completed', 'exited')),
  node           text NOT NULL,
  steps          integer NOT NULL DEFAULT 0,
  -- When the run is due: now for an active run, the end of its wait (or its timeout).
  wake_at        timestamptz,
  -- A wait for an event: its name; the event resumes the run before wake_at.
  waiting_for    text,
  waiting_since  timestamptz,
  claimed_until  timestamptz,
  -- {"trigger": {...the entering event...}, "event": {...the last event waited for...}}
  context        jsonb NOT NULL DEFAULT '{}',
  exit_reason    text,
  entered_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL,
  finished_at    timestamptz,
  FOREIGN KEY (journey_id, version) REFERENCES journey_versions (journey_id, version)
    ON DELETE CASCADE,
  UNIQUE (journey_id, entry_key)
);
CREATE INDEX journey_runs_due_idx ON journey_runs (wake_at) WHERE status IN ('active', 'waiting');
CREATE INDEX journey_runs_player_idx ON journey_runs (property_id, player_id, journey_id, entered_at DESC);
CREATE INDEX journey_runs_waiting_idx ON journey_runs (player_id, waiting_for)
  WHERE status = 'waiting' AND waiting_for IS NOT NULL;
CREATE INDEX journey_runs_journey_idx ON journey_runs (journey_id, entered_at DESC, id DESC);

-- What each step did, in order: the run's history and the journey's per-node counts.
CREATE TABLE journey_steps (
  run_id      uuid NOT NULL REFERENCES journey_runs (id) ON DELETE CASCADE,
  seq         integer NOT NULL,
  journey_id  uuid NOT NULL,
  version     integer NOT NULL,
  node        text NOT NULL,
  outcome     text NOT NULL CHECK (outcome IN ('entered', 'passed', 'skipped', 'exited', 'failed')),
  -- The node taken next, when there is one.
  next        text,
  detail      jsonb NOT NULL DEFAULT '{}',
  at          timestamptz NOT NULL,
  PRIMARY KEY (run_id, seq)
);
CREATE INDEX journey_steps_counts_idx ON journey_steps (journey_id, version, node, outcome);

-- Events the journeys consumer took: an event offered again (replayed by an operator, or
-- dispatched again) enters, resumes and exits no one a second time. Kept 30 days.
CREATE TABLE journey_events_seen (
  event_id  uuid PRIMARY KEY,
  seen_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX journey_events_seen_at_idx ON journey_events_seen (seen_at);

-- A journey's send step delivers through a campaign of its own (one per step and version), so
-- its messages are paced, retried, tracked and counted like any campaign's. Such a campaign is
-- not listed or changed through /api/campaigns; a player gets one message per run and step.
ALTER TABLE campaigns ADD COLUMN journey_id uuid REFERENCES journeys (id) ON DELETE CASCADE;
ALTER TABLE campaigns ADD COLUMN journey_node text;
ALTER TABLE messages ADD COLUMN journey_run_id uuid REFERENCES journey_runs (id) ON DELETE CASCADE;
ALTER TABLE messages DROP CONSTRAINT messages_campaign_id_player_id_key;
CREATE UNIQUE INDEX messages_campaign_player_key ON messages (campaign_id, player_id)
  WHERE journey_run_id IS NULL;
CREATE UNIQUE INDEX messages_journey_run_key ON messages (journey_run_id, campaign_id)
  WHERE journey_run_id IS NOT NULL;

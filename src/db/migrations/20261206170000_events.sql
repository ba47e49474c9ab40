-- Domain events (issue 11): every state change worth reacting to writes one row here in the
-- same transaction as the change, so a rolled-back change leaves no event. The dispatcher
-- (src/modules/events/events.dispatch.ts) hands committed events to their consumers (webhooks,
-- connections, the player's activity) and marks them dispatched.
--
-- Commit order: seq is taken when the row is written, not when it commits, so a later seq can
-- commit first. The dispatcher only takes events whose transaction (xid) is older than every
-- transaction still running (pg_snapshot_xmin of its snapshot), in (xid, seq) order: every
-- smaller xid has ended by then, so nothing can appear later before what was dispatched.
CREATE TABLE events (
  seq           bigserial PRIMARY KEY,
  id            uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  type          text NOT NULL CHECK (type ~ '^[a-z_]+(\.[a-z_]+)+$'),
  version       integer NOT NULL DEFAULT 1 CHECK (version > 0),
  occurred_at   timestamptz NOT NULL DEFAULT now(),
  org_id        integer REFERENCES organizations (id) ON DELETE CASCADE,
  property_id   uuid REFERENCES properties (id) ON DELETE CASCADE,
  payload       jsonb NOT NULL,
  xid           xid8 NOT NULL DEFAULT pg_current_xact_id(),
  dispatched_at timestamptz
);

CREATE INDEX events_pending_idx ON events (xid, seq) WHERE dispatched_at IS NULL;
CREATE INDEX events_org_idx ON events (org_id, seq);
CREATE INDEX events_property_idx ON events (property_id, seq);

-- Failures of event consumers (src/modules/events/events.dispatch.ts). A consumer that throws
-- rolls its whole dispatch batch back, so the event stays pending and is offered again; each
-- failure is counted here, in a transaction of its own. After EVENT_MAX_FAILURES (5) failures of
-- one event in one consumer the dispatcher gives up on that pair (gave_up_at): the event then
-- goes to its other consumers and is marked dispatched, so one poison event cannot hold back the
-- events behind it. The row keeps the last error for whoever repairs and replays it; deleting
-- the row and clearing the event's dispatched_at offers it again.
CREATE TABLE event_dispatch_failures (
  event_seq       bigint NOT NULL REFERENCES events (seq) ON DELETE CASCADE,
  consumer        text NOT NULL,
  failures        integer NOT NULL CHECK (failures > 0),
  last_error      text NOT NULL,
  first_failed_at timestamptz NOT NULL DEFAULT now(),
  last_failed_at  timestamptz NOT NULL DEFAULT now(),
  gave_up_at      timestamptz,
  PRIMARY KEY (event_seq, consumer)
);

CREATE INDEX event_dispatch_failures_gave_up_idx
  ON event_dispatch_failures (gave_up_at) WHERE gave_up_at IS NOT NULL;

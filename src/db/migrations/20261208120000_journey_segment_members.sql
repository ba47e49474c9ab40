-- The `segment_entered` trigger (issue 14): who is in a journey's segment, as the journey last
-- saw it. A player found in the segment and not listed here has entered it (listed and offered
-- to the journey in one transaction); one found outside it is unlisted, so coming back later is
-- entering again. Publishing lists the segment's members of that moment: they were in it
-- already, and only those who join afterwards enter.

CREATE TABLE journey_segment_members (
  property_id   uuid NOT NULL REFERENCES properties (id) ON DELETE CASCADE,
  journey_id    uuid NOT NULL REFERENCES journeys (id) ON DELETE CASCADE,
  player_id     uuid NOT NULL REFERENCES players (id) ON DELETE CASCADE,
  since         timestamptz NOT NULL,
  PRIMARY KEY (journey_id, player_id)
);
-- A player's erasure deletes their rows through the foreign key.
CREATE INDEX journey_segment_members_player_idx ON journey_segment_members (player_id);
CREATE INDEX journeys_segment_idx ON journeys (property_id, trigger_type, trigger_name)
  WHERE status IN ('active', 'paused');

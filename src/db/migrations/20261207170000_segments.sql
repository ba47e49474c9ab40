-- Saved segments (issue 13): a named filter over the property's players, written in the grammar
-- of GET /api/players (`tier=eq.gold&state=in.(NV,NJ)`), checked with the same parser when saved
-- so a stored segment always runs. A campaign's audience may be a segment. A property holds at
-- most 200 (segments.service.ts).
CREATE TABLE segments (
  property_id  uuid NOT NULL REFERENCES properties (id) ON DELETE CASCADE,
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- The query string, filters only (no select, order, limit, offset or count); empty: everyone.
  filter       text NOT NULL CHECK (length(filter) <= 4000),
  description  text CHECK (length(description) <= 2000),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (property_id, name)
);
-- The list is ordered by name: the unique index above serves it (keyset on name).

-- An audience streams the property's players in batches keyset-paged by id
-- (`WHERE property_id = $1 AND id > $last ORDER BY id LIMIT 1000`): without this index every
-- batch of a large property would walk the primary key past other properties' players.
CREATE INDEX players_property_id_idx ON players (property_id, id);

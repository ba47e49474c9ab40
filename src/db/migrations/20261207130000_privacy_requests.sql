-- Privacy requests (issue 12): a data subject's access/portability (export) or erasure
-- (delete) request under GDPR or CCPA, kept as an object with its deadline and its completion
-- proof. The record of a request is kept after the erasure it describes (CCPA lets a business
-- keep it to keep the data deleted; GDPR Art. 5(2) accountability): it names the player by a
-- hash only once the profile is gone (`player_id` is set to null by the erasure).
CREATE TABLE privacy_requests (
  property_id   uuid NOT NULL REFERENCES properties (id) ON DELETE CASCADE,
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  type          text NOT NULL CHECK (type IN ('export', 'delete')),
  -- PlayLoop's player id while the profile exists (no foreign key: the request outlives it).
  player_id     uuid,
  -- sha256 hex of 'player:' + PlayLoop's player id: finds a subject's requests after erasure.
  subject_hash  text NOT NULL CHECK (subject_hash ~ '^[0-9a-f]{64}$'),
  regime        text NOT NULL CHECK (regime IN ('gdpr', 'ccpa')),
  status        text NOT NULL CHECK (status IN ('received', 'completed', 'failed')),
  note          text CHECK (length(note) <= 500),
  received_at   timestamptz NOT NULL,
  -- GDPR Art. 12(3): one month; CCPA: 45 calendar days.
  deadline      timestamptz NOT NULL,
  -- Set when the deadline is extended (GDPR: by up to two months; CCPA: once by 45 days).
  extended_until timestamptz,
  completed_at  timestamptz,
  -- The completion proof: rows exported or deleted, by kind.
  completion    jsonb,
  CHECK ((status = 'completed') = (completed_at IS NOT NULL))
);
CREATE INDEX privacy_requests_property_idx ON privacy_requests (property_id, received_at DESC, id);
CREATE INDEX privacy_requests_subject_idx ON privacy_requests (property_id, subject_hash);

-- The events about one player (player.created/updated/deleted name it as payload->>'id'), so an
-- export or an erasure reads them without scanning the property's whole event history. Partial:
-- other event types pay nothing for it.
CREATE INDEX events_player_subject_idx ON events (property_id, (payload->>'id'), seq)
  WHERE type LIKE 'player.%';

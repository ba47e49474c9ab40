-- Player identity on public stream links (issue 9 item 5).
-- The key a brand's server uses to sign `external_id` on a public link (HMAC-SHA256, see
-- docs/play.md). NULL: the stream accepts no player identity and counts plays per device.
-- Kept as written because verifying an HMAC needs the key itself (a hash would not do); it is
-- shown once, when set or rotated, and never returned by the API afterwards.
ALTER TABLE streams ADD COLUMN identity_secret text;

-- Public-link plays counted per device are those without a trusted identity.
CREATE INDEX plays_stream_external_idx ON plays (stream_id, external_id)
  WHERE stream_id IS NOT NULL AND external_id IS NOT NULL;

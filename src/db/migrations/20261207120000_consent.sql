-- Consent and compliance (issue 12): the records the pre-send decision reads, and the decisions
-- it writes. Everything here belongs to a property.

-- Consent records, append-only: a grant or a revocation of one channel and address for a
-- purpose, with its evidence. Never updated or deleted (a trigger refuses it); a player's
-- erasure keeps them (consent evidence is kept under a legal obligation) but they name the
-- player only by id, which the erasure unlinks from any profile.
CREATE TABLE consents (
  property_id          uuid NOT NULL REFERENCES properties (id) ON DELETE CASCADE,
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- PlayLoop's player id when known (no foreign key: the record outlives the profile).
  player_id            uuid,
  channel              text NOT NULL CHECK (channel IN ('sms', 'email', 'voice', 'push')),
  -- E.164 for sms and voice, lower-case for email, the device token for push.
  address              text NOT NULL CHECK (length(address) BETWEEN 1 AND 320),
  action               text NOT NULL CHECK (action IN ('grant', 'revoke')),
  -- pec: prior express consent; pewc: prior express written consent; email_opt_in.
  consent_type         text CHECK (consent_type IN ('pec', 'pewc', 'email_opt_in')),
  -- null on a revocation: every purpose.
  purpose              text CHECK (purpose IN ('marketing', 'informational', 'transactional')),
  -- The brand or program the consent names; null: every program of the property.
  program              text CHECK (length(program) <= 200),
  captured_at          timestamptz NOT NULL,
  -- How it was captured: { method, form_url, ip, user_agent, keyword, … }.
  source               jsonb NOT NULL DEFAULT '{}'::jsonb,
  disclosure_version   text CHECK (length(disclosure_version) <= 200),
  esign_disclosure_shown boolean,
  evidence             jsonb,
  recorded_at          timestamptz NOT NULL DEFAULT now(),
  CHECK ((action = 'grant') = (consent_type IS NOT NULL)),
  CHECK (action = 'revoke' OR purpose IS NOT NULL)
);
CREATE INDEX consents_address_idx ON consents (property_id, channel, address, captured_at DESC);
CREATE INDEX consents_player_idx ON consents (property_id, player_id, captured_at DESC);

CREATE FUNCTION consents_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'consent records are append-only: record a revocation instead'
    USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER consents_append_only BEFORE UPDATE ON consents
  FOR EACH ROW EXECUTE FUNCTION consents_append_only();
-- Deleting a property removes its records (ON DELETE CASCADE runs as a DELETE); a single
-- record is never deleted by the application.

-- Subscription groups ("Promotions SMS", "VIP events email") and who is in or out of them.
CREATE TABLE subscription_groups (
  property_id uuid NOT NULL REFERENCES properties (id) ON DELETE CASCADE,
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  channel     text NOT NULL CHECK (channel IN ('sms', 'email', 'voice', 'push')),
  purpose     text NOT NULL CHECK (purpose IN ('marketing', 'informational', 'transactional')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (property_id, name)
);

CREATE TABLE subscription_members (
  property_id uuid NOT NULL REFERENCES properties (id) ON DELETE CASCADE,
  group_id    uuid NOT NULL REFERENCES subscription_groups (id) ON DELETE CASCADE,
  player_id   uuid NOT NULL REFERENCES players (id) ON DELETE CASCADE,
  subscribed  boolean NOT NULL,
  changed_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (group_id, player_id)
);
CREATE INDEX subscription_members_player_idx ON subscription_members (property_id, player_id);

-- Who is never messaged: SHA-256 hashes of a normalized address or casino player id, so the list
-- survives erasure and blocks a re-created player. `reason`: erased, self_excluded or
-- do_not_contact (the property's internal list).
CREATE TABLE suppressions (
  property_id uuid NOT NULL REFERENCES properties (id) ON DELETE CASCADE,
  hash        text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
  reason      text NOT NULL CHECK (reason IN ('erased', 'self_excluded', 'do_not_contact')),
  note        text CHECK (length(note) <= 500),
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (property_id, hash, reason)
);

-- What a property decides for itself; a property without a row uses the defaults.
CREATE TABLE compliance_settings (
  property_id         uuid PRIMARY KEY REFERENCES properties (id) ON DELETE CASCADE,
  minimum_age         integer NOT NULL DEFAULT 21 CHECK (minimum_age BETWEEN 18 AND 25),
  -- Marketing messages per player per rolling 24 hours, per channel and over all channels.
  cap_sms_per_day     integer CHECK (cap_sms_per_day > 0),
  cap_email_per_day   integer CHECK (cap_email_per_day > 0),
  cap_total_per_day   integer CHECK (cap_total_per_day > 0),
  postal_address      text CHECK (length(postal_address) <= 500),
  unsubscribe_url     text CHECK (length(unsubscribe_url) <= 2048),
  -- The SMS program's name and HELP reply (CTIA: brand, program, frequency, rates, contact).
  sms_program_name    text CHECK (length(sms_program_name) <= 100),
  sms_help_text       text CHECK (length(sms_help_text) <= 320),
  -- The carrier account's auth token that signs inbound requests (Twilio), sealed.
  sms_auth_token      text,
  updated_at          timestamptz NOT NULL DEFAULT now()
);

-- Replies received by SMS: what each asked for; free text that reads like an opt-out waits for
-- a person (`intent = 'review'`, `reviewed_at` null).
CREATE TABLE inbound_messages (
  property_id  uuid NOT NULL REFERENCES properties (id) ON DELETE CASCADE,
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  from_address text NOT NULL,
  to_address   text NOT NULL,
  body         text NOT NULL,
  intent       text NOT NULL CHECK (intent IN ('opt_out', 'opt_in', 'help', 'review', 'none')),
  message_sid  text,
  received_at  timestamptz NOT NULL DEFAULT now(),
  reviewed_at  timestamptz,
  UNIQUE (property_id, message_sid)
);
CREATE INDEX inbound_messages_review_idx ON inbound_messages (property_id, received_at DESC)
  WHERE intent = 'review' AND reviewed_at IS NULL;

-- Every message (and game-link invitation) sent to a player, as the send paths record it: what
-- the frequency caps count.
CREATE TABLE contact_log (
  property_id uuid NOT NULL REFERENCES properties (id) ON DELETE CASCADE,
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  player_id   uuid,
  channel     text NOT NULL CHECK (channel IN ('sms', 'email', 'voice', 'push')),
  address     text NOT NULL,
  purpose     text NOT NULL CHECK (purpose IN ('marketing', 'informational', 'transactional')),
  -- campaign, journey, game_invitation, confirmation, …
  kind        text NOT NULL CHECK (length(kind) <= 50),
  sent_at     timestamptz NOT NULL
);
CREATE INDEX contact_log_address_idx ON contact_log (property_id, address, sent_at DESC);

-- Every pre-send decision: who asked, for whom, what for, the outcome and every reason.
CREATE TABLE compliance_decisions (
  property_id     uuid NOT NULL REFERENCES properties (id) ON DELETE CASCADE,
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  player_id       uuid,
  channel         text NOT NULL,
  address         text,
  purpose         text NOT NULL,
  program         text,
  send_at         timestamptz NOT NULL,
  outcome         text NOT NULL CHECK (outcome IN ('allow', 'skip')),
  reasons         text[] NOT NULL,
  next_allowed_at timestamptz,
  -- The credential that asked: a pk_ key id, a user id, or a PlayLoop send path.
  requested_by    text NOT NULL,
  decided_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX compliance_decisions_property_idx ON compliance_decisions (property_id, decided_at DESC);
CREATE INDEX compliance_decisions_player_idx ON compliance_decisions (property_id, player_id, decided_at DESC);

-- Campaigns and their messages (issue 13): one template sent to one audience, each recipient's
-- message rendered with its own single-use game links, checked by the pre-send check, and
-- delivered at a paced rate by the job queue.

CREATE TABLE campaigns (
  property_id            uuid NOT NULL REFERENCES properties (id) ON DELETE CASCADE,
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name                   text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  channel                text NOT NULL CHECK (channel IN ('email', 'sms')),
  purpose                text NOT NULL DEFAULT 'marketing'
                         CHECK (purpose IN ('marketing', 'informational', 'transactional')),
  -- The template while the campaign is a draft; its sources are copied into `content` when
  -- sending starts, so editing or deleting the template later changes nothing sent.
  template_id            uuid REFERENCES templates (id) ON DELETE SET NULL,
  content                jsonb,
  -- {"type":"segment","segment_id":…} | {"type":"players","player_ids":[…]} | {"type":"all"}
  audience               jsonb NOT NULL,
  program                text CHECK (length(program) <= 100),
  subscription_group_id  uuid,
  from_name              text CHECK (length(from_name) <= 100),
  from_address           text CHECK (length(from_address) <= 254),
  reply_to               text CHECK (length(reply_to) <= 254),
  -- Hours the minted game links stay playable after the campaign starts sending.
  link_ttl_hours         integer NOT NULL DEFAULT 168 CHECK (link_ttl_hours BETWEEN 1 AND 2160),
  status                 text NOT NULL DEFAULT 'draft'
                         CHECK (status IN ('draft', 'scheduled', 'sending', 'sent', 'cancelled', 'failed')),
  -- Schedule: at `send_at`, or at `local_time` ('HH:MM') of `local_date` in each recipient's
  -- time zone (`fallback_time_zone` for players without one); `send_at` is then the first
  -- moment that happens anywhere (UTC+14).
  send_at                timestamptz,
  local_date             date,
  local_time             text CHECK (local_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  fallback_time_zone     text CHECK (length(fallback_time_zone) <= 64),
  -- Planning walks the audience by player id; the last id planned lets a restart resume.
  plan_cursor            uuid,
  planned_at             timestamptz,
  audience_size          integer,
  -- Kept by the planner and the sender as messages change state.
  queued                 integer NOT NULL DEFAULT 0,
  skipped                integer NOT NULL DEFAULT 0,
  sent                   integer NOT NULL DEFAULT 0,
  delivered              integer NOT NULL DEFAULT 0,
  bounced                integer NOT NULL DEFAULT 0,
  failed                 integer NOT NULL DEFAULT 0,
  opened                 integer NOT NULL DEFAULT 0,
  clicked                integer NOT NULL DEFAULT 0,
  failure                text,
  -- The last time a worker made progress on it: a sweep restarts one left behind by a crash.
  heartbeat_at           timestamptz,
  started_at             timestamptz,
  finished_at            timestamptz,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  UNIQUE (property_id, name),
  CHECK ((local_date IS NULL) = (local_time IS NULL))
);
CREATE INDEX campaigns_active_idx ON campaigns (status, heartbeat_at)
  WHERE status IN ('scheduled', 'sending');

-- One row per recipient of a campaign: unique per campaign and player, so planning twice (a
-- retried job, a crash) never makes a second message.
CREATE TABLE messages (
  property_id    uuid NOT NULL REFERENCES properties (id) ON DELETE CASCADE,
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  campaign_id    uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  -- Erasing a player (a privacy deletion) erases what was sent to them.
  player_id      uuid NOT NULL REFERENCES players (id) ON DELETE CASCADE,
  channel        text NOT NULL CHECK (channel IN ('email', 'sms')),
  status         text NOT NULL CHECK (status IN ('queued', 'skipped', 'sending', 'sent', 'delivered',
                   'bounced', 'failed', 'opened', 'clicked', 'cancelled')),
  skip_reasons   text[] NOT NULL DEFAULT '{}',
  decision_id    uuid,
  to_address     text,
  subject        text,
  html           text,
  body           text,
  sms_segments   integer,
  sms_encoding   text,
  -- Not before this time (a local-time schedule gives each recipient its own).
  send_after     timestamptz NOT NULL,
  provider       text,
  provider_id    text,
  error          text,
  attempts       integer NOT NULL DEFAULT 0,
  sending_at     timestamptz,
  sent_at        timestamptz,
  delivered_at   timestamptz,
  bounced_at     timestamptz,
  failed_at      timestamptz,
  opened_at      timestamptz,
  clicked_at     timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (campaign_id, player_id)
);
-- The sender's queue: a campaign's due messages in order.
CREATE INDEX messages_due_idx ON messages (campaign_id, send_after, id)
  WHERE status IN ('queued', 'sending');
CREATE INDEX messages_property_idx ON messages (property_id, created_at DESC, id DESC);
CREATE INDEX messages_campaign_idx ON messages (campaign_id, created_at DESC, id DESC);
CREATE INDEX messages_player_idx ON messages (property_id, player_id, created_at DESC);
-- A delivery-status callback names the message by the provider's id.
CREATE INDEX messages_provider_idx ON messages (provider_id) WHERE provider_id IS NOT NULL;

-- SMS short links: `${PUBLIC_URL}/l/<code>` redirects to the URL the message carried.
CREATE TABLE short_links (
  code         text PRIMARY KEY CHECK (code ~ '^[0-9A-Za-z]{10}$'),
  property_id  uuid NOT NULL REFERENCES properties (id) ON DELETE CASCADE,
  message_id   uuid REFERENCES messages (id) ON DELETE CASCADE,
  url          text NOT NULL,
  expires_at   timestamptz NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX short_links_message_idx ON short_links (message_id);

-- Answers of calls made with an Idempotency-Key: a retry with the same key gets the first
-- answer instead of doing the work again. Kept 24 hours.
CREATE TABLE idempotency_keys (
  property_id  uuid NOT NULL REFERENCES properties (id) ON DELETE CASCADE,
  operation    text NOT NULL,
  key          text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  request_hash text NOT NULL,
  status_code  integer NOT NULL,
  response     jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (property_id, operation, key)
);

-- The SMS sender of a property (a Twilio-compatible account); the auth token is the sealed
-- `sms_auth_token` that already verifies inbound requests.
ALTER TABLE compliance_settings
  ADD COLUMN sms_account_sid text CHECK (length(sms_account_sid) <= 64),
  ADD COLUMN sms_from text CHECK (length(sms_from) <= 32),
  ADD COLUMN sms_messaging_service_sid text CHECK (length(sms_messaging_service_sid) <= 64);

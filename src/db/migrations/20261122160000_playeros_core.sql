-- PlayerOS core: properties (the PlayerOS tenant), property-scoped pk_ keys, players, and the
-- account flows (password reset, invitations).

CREATE TABLE properties (
  id          uuid PRIMARY KEY,
  org_id      integer NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  timezone    text NOT NULL DEFAULT 'UTC',
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, id)
);
CREATE INDEX properties_org_idx ON properties (org_id);

CREATE TABLE property_api_keys (
  id                    uuid PRIMARY KEY,
  property_id           uuid NOT NULL REFERENCES properties (id) ON DELETE CASCADE,
  name                  text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- SHA-256 (hex) of the full key; the key itself is never stored.
  key_hash              text NOT NULL UNIQUE,
  key_prefix            text NOT NULL,
  scopes                text[] NOT NULL
                        CHECK (cardinality(scopes) > 0 AND scopes <@ ARRAY['read', 'write']),
  rate_limit_per_minute integer NOT NULL DEFAULT 100 CHECK (rate_limit_per_minute > 0),
  created_by            integer REFERENCES users (id) ON DELETE SET NULL,
  created_at            timestamptz NOT NULL DEFAULT now(),
  revoked_at            timestamptz,
  last_used_at          timestamptz
);
CREATE INDEX property_api_keys_property_idx ON property_api_keys (property_id, created_at);

CREATE TABLE players (
  id             uuid PRIMARY KEY,
  property_id    uuid NOT NULL REFERENCES properties (id) ON DELETE CASCADE,
  -- The casino's own player id (loyalty card number), unique within the property.
  player_id      text NOT NULL CHECK (length(player_id) BETWEEN 1 AND 100),
  email          text,
  -- E.164
  phone          text CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
  first_name     text,
  last_name      text,
  status         text NOT NULL DEFAULT 'active'
                 CHECK (status IN ('active', 'inactive', 'banned', 'self_excluded')),
  tier           text,
  -- Average daily theoretical and coin-in, in the property's currency.
  adt            numeric(14, 2),
  coin_in        numeric(16, 2),
  timezone       text,
  state          text,
  country        text CHECK (country ~ '^[A-Z]{2}$'),
  date_of_birth  date,
  traits         jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (property_id, player_id)
);
CREATE INDEX players_property_created_idx ON players (property_id, created_at DESC, id DESC);
CREATE INDEX players_property_status_idx ON players (property_id, status, created_at DESC, id DESC);
CREATE INDEX players_property_email_idx ON players (property_id, lower(email));
CREATE INDEX players_property_tier_idx ON players (property_id, tier);

-- Password reset links: only the SHA-256 of the token is kept; one use, short-lived.
CREATE TABLE password_resets (
  token_hash  text PRIMARY KEY,
  user_id     integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE invitations (
  id           uuid PRIMARY KEY,
  org_id       integer NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  email        text NOT NULL,
  role         text NOT NULL CHECK (role IN ('Admin', 'Editor', 'Analyst', 'Viewer')),
  token_hash   text NOT NULL UNIQUE,
  invited_by   integer REFERENCES users (id) ON DELETE SET NULL,
  status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'revoked')),
  expires_at   timestamptz NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  accepted_at  timestamptz
);
CREATE UNIQUE INDEX invitations_pending_idx ON invitations (org_id, lower(email))
  WHERE status = 'pending';

-- Branding per organization (issue 16): what the play pages show instead of PlayLoop's look.
--
-- org_assets holds the images an organization uploads (logos, backgrounds). They are small
-- (≤ 2 MB, checked before storing) and served publicly under their unguessable UUID, so they
-- live in the database beside the rest of the tenant's data: one backup, one deletion path.
-- org_branding is one row per organization that set anything; no row means the defaults.
-- The composite foreign keys make an asset of another organization impossible to reference.

CREATE TABLE org_assets (
  org_id        integer NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  content_type  text NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/webp')),
  bytes         bytea NOT NULL,
  byte_size     integer NOT NULL CHECK (byte_size BETWEEN 1 AND 2097152),
  width         integer NOT NULL CHECK (width BETWEEN 16 AND 4096),
  height        integer NOT NULL CHECK (height BETWEEN 16 AND 4096),
  -- SHA-256 of the bytes (hex): the ETag, and what a re-upload of the same image matches.
  sha256        text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, id)
);
CREATE INDEX org_assets_org_idx ON org_assets (org_id, created_at, id);

CREATE TABLE org_branding (
  org_id            integer PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
  -- Shown instead of "PlayLoop"; null shows the organization's name.
  display_name      text CHECK (length(display_name) BETWEEN 1 AND 60),
  logo_asset        uuid,
  background_type   text NOT NULL DEFAULT 'color'
                    CHECK (background_type IN ('color', 'gradient', 'image')),
  gradient_from     text CHECK (gradient_from ~ '^#[0-9a-f]{6}$'),
  gradient_to       text CHECK (gradient_to ~ '^#[0-9a-f]{6}$'),
  gradient_angle    integer CHECK (gradient_angle BETWEEN 0 AND 360),
  background_asset  uuid,
  font              text NOT NULL DEFAULT 'system'
                    CHECK (font IN ('system', 'rounded', 'serif', 'slab', 'condensed', 'mono')),
  primary_color     text CHECK (primary_color ~ '^#[0-9a-f]{6}$'),
  secondary_color   text CHECK (secondary_color ~ '^#[0-9a-f]{6}$'),
  background_color  text CHECK (background_color ~ '^#[0-9a-f]{6}$'),
  powered_by        boolean NOT NULL DEFAULT false,
  updated_at        timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, logo_asset) REFERENCES org_assets (org_id, id),
  FOREIGN KEY (org_id, background_asset) REFERENCES org_assets (org_id, id),
  CHECK (background_type <> 'gradient' OR (gradient_from IS NOT NULL AND gradient_to IS NOT NULL
                                           AND gradient_angle IS NOT NULL)),
  CHECK (background_type <> 'image' OR background_asset IS NOT NULL)
);

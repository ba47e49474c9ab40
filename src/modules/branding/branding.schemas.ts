import { Type } from 'typebox';
import { DateTime, dateTime, Nullable } from '../../http/schemas.ts';
import { BRAND_FONTS } from '../../web/brand.ts';

// The integer ids of PostgreSQL (int4): a larger number is a 400, not a database error.
const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });
const Uuid = Type.String({ format: 'uuid' });

export const OrgParams = Type.Object({ orgId: Id });
export const AssetParams = Type.Object({ orgId: Id, assetId: Uuid });
export const PublicAssetParams = Type.Object({ assetId: Uuid });

const Hex = (description: string) =>
  Type.String({ pattern: '^#[0-9a-fA-F]{6}$', description: `${description} (#rrggbb)` });

const Font = Type.Enum(BRAND_FONTS, {
  description:
    'A local system font stack with Thai fallbacks (nothing is downloaded): system, rounded, serif, slab, condensed or mono. Default system.',
});

const Background = Type.Union(
  [
    Type.Object(
      { type: Type.Literal('color') },
      { additionalProperties: false, description: 'The background colour alone' },
    ),
    Type.Object(
      {
        type: Type.Literal('gradient'),
        from: Hex('First colour'),
        to: Hex('Second colour'),
        angle: Type.Integer({ minimum: 0, maximum: 360, description: 'Degrees, CSS-style' }),
      },
      { additionalProperties: false, description: 'A two-colour linear gradient' },
    ),
    Type.Object(
      { type: Type.Literal('image'), asset_id: Uuid },
      {
        additionalProperties: false,
        description: 'An uploaded image of this organization, covering the page',
      },
    ),
  ],
  { description: 'The page background; default `{ "type": "color" }`' },
);

const fields = {
  display_name: Nullable(
    Type.String({
      minLength: 1,
      maxLength: 60,
      description: 'Shown instead of "PlayLoop" on play pages; null: the organization\'s name',
    }),
  ),
  logo_asset_id: Nullable(Type.String({ format: 'uuid', description: 'An uploaded image' })),
  background: Background,
  font: Font,
  primary_color: Nullable(Hex('Buttons and key UI; null: the default')),
  secondary_color: Nullable(Hex('Accents; null: the default')),
  background_color: Nullable(
    Hex('Page background, and under a gradient or image (the top bar sits on it)'),
  ),
  powered_by: Type.Boolean({ description: 'Show a small "Powered by PlayLoop" line' }),
};

export const BrandingBody = Type.Object(
  {
    display_name: Type.Optional(fields.display_name),
    logo_asset_id: Type.Optional(fields.logo_asset_id),
    background: Type.Optional(fields.background),
    font: Type.Optional(fields.font),
    primary_color: Type.Optional(fields.primary_color),
    secondary_color: Type.Optional(fields.secondary_color),
    background_color: Type.Optional(fields.background_color),
    powered_by: Type.Optional(fields.powered_by),
  },
  { additionalProperties: false },
);

const Branding = Type.Object({
  name: Type.String({
    description: "The name play pages show: display_name, else the organization's",
  }),
  ...fields,
  updated_at: Nullable(dateTime('Last change; null while the defaults apply')),
});

export const BrandingResponse = Type.Object({ success: Type.Literal(true), data: Branding });

const Asset = Type.Object({
  id: Type.String({ format: 'uuid' }),
  url: Type.String({ description: 'Public address of the image (`/play/assets/{id}`)' }),
  content_type: Type.String(),
  byte_size: Type.Integer(),
  width: Type.Integer(),
  height: Type.Integer(),
  created_at: DateTime,
});

export const AssetResponse = Type.Object({ success: Type.Literal(true), data: Asset });
export const AssetList = Type.Object({ success: Type.Literal(true), data: Type.Array(Asset) });

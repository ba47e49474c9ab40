import { createHash } from 'node:crypto';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import type { BrandFont } from '../../web/play-view.ts';
import { requireOrgRole } from '../organizations/index.ts';
import type { Actor } from '../users/index.ts';
import { checkImage, type ImageType } from './branding.images.ts';
import * as repo from './branding.repo.ts';

// An organization's branding and the images it uploads for it. Every member reads them; changing
// them takes an Admin, like the organization's other settings (API keys, connections, members).

/** Assets one organization may keep. */
export const MAX_ASSETS_PER_ORG = 50;

export type Background =
  | { type: 'color' }
  | { type: 'gradient'; from: string; to: string; angle: number }
  | { type: 'image'; asset_id: string };

export interface BrandingInput {
  display_name?: string | null | undefined;
  logo_asset_id?: string | null | undefined;
  background?: Background | undefined;
  font?: BrandFont | undefined;
  primary_color?: string | null | undefined;
  secondary_color?: string | null | undefined;
  background_color?: string | null | undefined;
  powered_by?: boolean | undefined;
}

export interface Branding {
  name: string;
  display_name: string | null;
  logo_asset_id: string | null;
  background: Background;
  font: BrandFont;
  primary_color: string | null;
  secondary_color: string | null;
  background_color: string | null;
  powered_by: boolean;
  updated_at: Date | null;
}

export interface Asset {
  id: string;
  url: string;
  content_type: string;
  byte_size: number;
  width: number;
  height: number;
  created_at: Date;
}

export const assetUrl = (id: string): string => `/play/assets/${id}`;

function backgroundOf(row: repo.BrandingRow): Background {
  if (
    row.background_type === 'gradient' &&
    row.gradient_from &&
    row.gradient_to &&
    row.gradient_angle !== null
  ) {
    return {
      type: 'gradient',
      from: row.gradient_from,
      to: row.gradient_to,
      angle: row.gradient_angle,
    };
  }
  if (row.background_type === 'image' && row.background_asset) {
    return { type: 'image', asset_id: row.background_asset };
  }
  return { type: 'color' };
}

function brandingOf(orgName: string, row: repo.BrandingRow | undefined): Branding {
  return {
    name: row?.display_name ?? orgName,
    display_name: row?.display_name ?? null,
    logo_asset_id: row?.logo_asset ?? null,
    background: row ? backgroundOf(row) : { type: 'color' },
    font: (row?.font ?? 'system') as BrandFont,
    primary_color: row?.primary_color ?? null,
    secondary_color: row?.secondary_color ?? null,
    background_color: row?.background_color ?? null,
    powered_by: row?.powered_by ?? false,
    updated_at: row?.updated_at ?? null,
  };
}

const assetOf = (row: repo.AssetRow): Asset => ({
  id: row.id,
  url: assetUrl(row.id),
  content_type: row.content_type,
  byte_size: row.byte_size,
  width: row.width,
  height: row.height,
  created_at: row.created_at,
});

const lower = (hex: string | null | undefined) => (hex ? hex.toLowerCase() : null);

/** `branding.get`: any member. */
export async function getBranding(deps: Deps, actor: Actor, orgId: number): Promise<Branding> {
  const { org } = await requireOrgRole(deps, actor, orgId, 'Viewer');
  return brandingOf(org.name, await repo.findBranding(deps.database.db, orgId));
}

/**
 * Refuses asset ids that are not this organization's (another organization's looks exactly like
 * one never issued), naming the field.
 */
export async function assertOwnAssets(
  deps: Deps,
  orgId: number,
  fields: Record<string, string | null | undefined>,
): Promise<void> {
  const named = Object.entries(fields).filter((entry): entry is [string, string] =>
    Boolean(entry[1]),
  );
  if (named.length === 0) return;
  const own = new Set(
    await repo.ownAssetIds(
      deps.database.db,
      orgId,
      named.map(([, id]) => id),
    ),
  );
  const missing = named.find(([, id]) => !own.has(id));
  if (missing) {
    // 404 like every reference to another tenant's object (the tenant walls hold it to that).
    throw new AppError(
      'not_found',
      `${missing[0]} names no image of this organization (upload it first)`,
      { field: missing[0] },
    );
  }
}

/** `branding.update`: Admin. Replaces the whole branding; fields left out take their defaults. */
export async function updateBranding(
  deps: Deps,
  actor: Actor,
  orgId: number,
  input: BrandingInput,
): Promise<Branding> {
  const { org } = await requireOrgRole(deps, actor, orgId, 'Admin');
  const background = input.background ?? { type: 'color' };
  await assertOwnAssets(deps, orgId, {
    logo_asset_id: input.logo_asset_id,
    'background.asset_id': background.type === 'image' ? background.asset_id : undefined,
  });
  const name = input.display_name?.trim();
  const row = await repo.upsertBranding(
    deps.database.db,
    orgId,
    {
      display_name: name ? name : null,
      logo_asset: input.logo_asset_id ?? null,
      background_type: background.type,
      gradient_from: background.type === 'gradient' ? lower(background.from) : null,
      gradient_to: background.type === 'gradient' ? lower(background.to) : null,
      gradient_angle: background.type === 'gradient' ? background.angle : null,
      background_asset: background.type === 'image' ? background.asset_id : null,
      font: input.font ?? 'system',
      primary_color: lower(input.primary_color),
      secondary_color: lower(input.secondary_color),
      background_color: lower(input.background_color),
      powered_by: input.powered_by ?? false,
    },
    deps.clock.now(),
  );
  return brandingOf(org.name, row);
}

/** `branding.listAssets`: any member. */
export async function listAssets(deps: Deps, actor: Actor, orgId: number): Promise<Asset[]> {
  await requireOrgRole(deps, actor, orgId, 'Viewer');
  return (await repo.listAssets(deps.database.db, orgId)).map(assetOf);
}

/**
 * `branding.uploadAsset`: Admin. The image is checked (type by its bytes, dimensions) before
 * anything is stored; the count and the insert run under the organization's row lock, so
 * parallel uploads cannot pass the limit together.
 */
export async function uploadAsset(
  deps: Deps,
  actor: Actor,
  orgId: number,
  input: { type: ImageType; bytes: Buffer },
): Promise<Asset> {
  await requireOrgRole(deps, actor, orgId, 'Admin');
  const { width, height } = checkImage(input.type, input.bytes);
  const sha256 = createHash('sha256').update(input.bytes).digest('hex');
  const row = await deps.database.db.transaction().execute(async (tx) => {
    await repo.lockOrganization(tx, orgId);
    if ((await repo.countAssets(tx, orgId)) >= MAX_ASSETS_PER_ORG) {
      throw new AppError(
        'quota_exceeded',
        `An organization keeps at most ${MAX_ASSETS_PER_ORG} images: delete unused ones first`,
        { limit: MAX_ASSETS_PER_ORG },
      );
    }
    return repo.insertAsset(tx, orgId, {
      content_type: input.type,
      bytes: input.bytes,
      byte_size: input.bytes.length,
      width,
      height,
      sha256,
    });
  });
  return assetOf(row);
}

/**
 * `branding.deleteAsset`: Admin. An asset still used by the branding or by a game's config is
 * 409 (naming the users), so no page is left pointing at a missing image.
 */
export async function deleteAsset(
  deps: Deps,
  actor: Actor,
  orgId: number,
  assetId: string,
): Promise<void> {
  await requireOrgRole(deps, actor, orgId, 'Admin');
  const db = deps.database.db;
  const owned = await repo.ownAssetIds(db, orgId, [assetId]);
  if (owned.length === 0) throw new AppError('not_found', 'Asset not found');
  const users = await repo.assetUsers(db, orgId, assetId);
  if (users.branding || users.games.length > 0) {
    const where = [
      ...(users.branding ? ['the branding'] : []),
      ...(users.games.length > 0 ? [`game(s) ${users.games.join(', ')}`] : []),
    ];
    throw new AppError('conflict', `The image is in use by ${where.join(' and ')}`, {
      branding: users.branding,
      game_ids: users.games,
    });
  }
  try {
    if (!(await repo.deleteAsset(db, orgId, assetId))) {
      throw new AppError('not_found', 'Asset not found');
    }
  } catch (error) {
    // Put into the branding between the check and the delete: the foreign key refuses.
    if ((error as { code?: unknown }).code === '23503') {
      throw new AppError('conflict', 'The image is in use by the branding');
    }
    throw error;
  }
}

/** The public read of `/play/assets/:id`. */
export async function publicAsset(deps: Deps, assetId: string) {
  const asset = await repo.findAssetBytes(deps.database.db, assetId);
  if (!asset) throw new AppError('not_found', 'Asset not found');
  return asset;
}

/** A game's config may name only its own organization's images (refused on save, 404). */
export async function assertGameAssets(deps: Deps, orgId: number, config: unknown): Promise<void> {
  if (typeof config !== 'object' || config === null) return;
  const { logo_asset: logo, background_asset: background } = config as Record<string, unknown>;
  await assertOwnAssets(deps, orgId, {
    'config.logo_asset': typeof logo === 'string' ? logo : undefined,
    'config.background_asset': typeof background === 'string' ? background : undefined,
  });
}

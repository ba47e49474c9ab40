import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

// Branding rows and uploaded assets: every function takes the organization first.

type Executor = Kysely<DB> | Transaction<DB>;

export interface BrandingRow {
  display_name: string | null;
  logo_asset: string | null;
  background_type: 'color' | 'gradient' | 'image';
  gradient_from: string | null;
  gradient_to: string | null;
  gradient_angle: number | null;
  background_asset: string | null;
  font: string;
  primary_color: string | null;
  secondary_color: string | null;
  background_color: string | null;
  powered_by: boolean;
  updated_at: Date;
}

const BRANDING_COLUMNS = [
  'display_name',
  'logo_asset',
  'background_type',
  'gradient_from',
  'gradient_to',
  'gradient_angle',
  'background_asset',
  'font',
  'primary_color',
  'secondary_color',
  'background_color',
  'powered_by',
  'updated_at',
] as const;

export type BrandingInput = Omit<BrandingRow, 'updated_at'>;

export async function findBranding(db: Executor, orgId: number): Promise<BrandingRow | undefined> {
  return db
    .selectFrom('org_branding')
    .select(BRANDING_COLUMNS)
    .where('org_id', '=', orgId)
    .executeTakeFirst();
}

export async function upsertBranding(
  db: Executor,
  orgId: number,
  input: BrandingInput,
  now: Date,
): Promise<BrandingRow> {
  return db
    .insertInto('org_branding')
    .values({ org_id: orgId, ...input, updated_at: now })
    .onConflict((oc) => oc.column('org_id').doUpdateSet({ ...input, updated_at: now }))
    .returning(BRANDING_COLUMNS)
    .executeTakeFirstOrThrow();
}

export interface AssetRow {
  id: string;
  content_type: 'image/png' | 'image/jpeg' | 'image/webp';
  byte_size: number;
  width: number;
  height: number;
  sha256: string;
  created_at: Date;
}

const ASSET_COLUMNS = [
  'id',
  'content_type',
  'byte_size',
  'width',
  'height',
  'sha256',
  'created_at',
] as const;

export async function listAssets(db: Executor, orgId: number): Promise<AssetRow[]> {
  return db
    .selectFrom('org_assets')
    .select(ASSET_COLUMNS)
    .where('org_id', '=', orgId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Which of `ids` are this organization's assets. */
export async function ownAssetIds(db: Executor, orgId: number, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('org_assets')
    .select('id')
    .where('org_id', '=', orgId)
    .where('id', 'in', ids)
    .execute();
  return rows.map((row) => row.id);
}

/** Locks the organization's row: uploads of one organization count and insert one at a time. */
export async function lockOrganization(db: Transaction<DB>, orgId: number): Promise<void> {
  await db
    .selectFrom('organizations')
    .select('id')
    .where('id', '=', orgId)
    .forUpdate()
    .executeTakeFirst();
}

export async function countAssets(db: Executor, orgId: number): Promise<number> {
  const row = await db
    .selectFrom('org_assets')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('org_id', '=', orgId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertAsset(
  db: Executor,
  orgId: number,
  asset: Omit<AssetRow, 'id' | 'created_at'> & { bytes: Buffer },
): Promise<AssetRow> {
  return db
    .insertInto('org_assets')
    .values({ org_id: orgId, ...asset })
    .returning(ASSET_COLUMNS)
    .executeTakeFirstOrThrow();
}

/**
 * What uses the asset: the organization's branding, and its games whose config names it
 * (`logo_asset` / `background_asset`). Game ids first, oldest first.
 */
export async function assetUsers(
  db: Executor,
  orgId: number,
  id: string,
): Promise<{ branding: boolean; games: number[] }> {
  const [branding, games] = await Promise.all([
    db
      .selectFrom('org_branding')
      .select('org_id')
      .where('org_id', '=', orgId)
      .where((eb) => eb.or([eb('logo_asset', '=', id), eb('background_asset', '=', id)]))
      .executeTakeFirst(),
    db
      .selectFrom('games')
      .select('id')
      .where('org_id', '=', orgId)
      .where((eb) =>
        eb.or([
          eb(sql<string>`config->>'logo_asset'`, '=', id),
          eb(sql<string>`config->>'background_asset'`, '=', id),
        ]),
      )
      .orderBy('id')
      .execute(),
  ]);
  return { branding: Boolean(branding), games: games.map((g) => g.id) };
}

export async function deleteAsset(db: Executor, orgId: number, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('org_assets')
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** The public read: by id alone (an unguessable UUID), with the bytes. */
export async function findAssetBytes(
  db: Executor,
  id: string,
): Promise<{ content_type: string; bytes: Buffer; sha256: string } | undefined> {
  return db
    .selectFrom('org_assets')
    .select(['content_type', 'bytes', 'sha256'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The organization a play link names, and its name: by session token, stream id or slugs. */
export async function orgOfSession(db: Executor, token: string) {
  return db
    .selectFrom('game_sessions')
    .select(['org_id', 'game_id'])
    .where('token', '=', token)
    .executeTakeFirst();
}

export async function orgOfStreamSlugs(db: Executor, orgSlug: string, streamSlug: string) {
  return db
    .selectFrom('streams')
    .innerJoin('organizations', 'organizations.id', 'streams.org_id')
    .select('streams.org_id')
    .where('organizations.slug', '=', orgSlug)
    .where('streams.slug', '=', streamSlug)
    .executeTakeFirst();
}

/** The organization's name, its branding (null columns when none) and one game's stored config. */
export async function brandSources(db: Executor, orgId: number, gameId: number | null) {
  const [org, branding, game] = await Promise.all([
    db.selectFrom('organizations').select('name').where('id', '=', orgId).executeTakeFirst(),
    findBranding(db, orgId),
    gameId === null
      ? undefined
      : db
          .selectFrom('games')
          .select('config')
          .where('org_id', '=', orgId)
          .where('id', '=', gameId)
          .executeTakeFirst(),
  ]);
  return org ? { name: org.name, branding, gameConfig: game?.config } : undefined;
}

import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import {
  gameVisibleTo,
  mayReadPrizeSecrets,
  requireName,
  requireOrgRole,
  type Role,
} from '../organizations/index.ts';
import type { Actor } from '../users/index.ts';
import {
  type CodeUpload,
  generateOptions,
  type GenerateOptions,
  parseCodeUpload,
  randomCode,
} from './vouchers.codes.ts';
import {
  type CodeCounts,
  countCodes,
  deleteUnusedVoucherSet,
  findVoucherSet,
  gamesUsingSets,
  insertCodes,
  insertNewCodes,
  insertVoucherSet,
  listCodes,
  listVoucherSets as listVoucherSetRows,
  updateVoucherSet as updateVoucherSetRow,
  type VoucherCodeRow,
  type VoucherSetPatch,
  type VoucherSetRow,
} from './vouchers.repo.ts';

/** A set as the dashboard shows it: its code counts and the games that draw from it. */
export interface VoucherSet extends VoucherSetRow {
  counts: CodeCounts;
  games: { id: number; title: string }[];
}

/** A code as listed: `code` is null for roles that may not read prize secrets. */
export type VoucherCodeView = Omit<VoucherCodeRow, 'code'> & { code: string | null };

export interface VoucherSetFields {
  name?: string | undefined;
  description?: string | null | undefined;
  expires_at?: string | null | undefined;
}

const READ_ROLE = 'Viewer';
// "Manage vouchers and prizes" is an Editor permission.
const WRITE_ROLE = 'Editor';
const NO_CODES: CodeCounts = { total: 0, available: 0, claimed: 0 };

const setNotFound = () => new AppError('not_found', 'Voucher set not found');

function parseExpiry(value: string | null | undefined): Date | null | undefined {
  if (value === undefined || value === null) return value;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new AppError('validation_failed', 'expires_at must be an ISO-8601 date-time');
  }
  return date;
}

function checkDescription(value: string | null | undefined): string | null | undefined {
  if (typeof value === 'string' && value.length > 1000) {
    throw new AppError('validation_failed', 'description may have at most 1000 characters');
  }
  return value;
}

/** Sets with their counts and the games drawing from them that `role` may see. */
async function describeSets(
  deps: Deps,
  orgId: number,
  rows: VoucherSetRow[],
  role: Role,
): Promise<VoucherSet[]> {
  const ids = rows.map((row) => row.id);
  const [counts, games] = await Promise.all([
    countCodes(deps.database.db, orgId, ids),
    gamesUsingSets(deps.database.db, orgId, ids),
  ]);
  return rows.map((row) => ({
    ...row,
    counts: counts.get(row.id) ?? NO_CODES,
    games: (games.get(row.id) ?? [])
      .filter((game) => gameVisibleTo(role, game.status))
      .map(({ id, title }) => ({ id, title })),
  }));
}

/** A code as `role` may read it: below Editor the code itself is null (a secret). */
function codeFor(role: Role, row: VoucherCodeRow): VoucherCodeView {
  return mayReadPrizeSecrets(role) ? row : { ...row, code: null };
}

/** The set, or 404 when it is not one of the organization's (ids of others reveal nothing). */
async function requireSet(deps: Deps, orgId: number, setId: number): Promise<VoucherSetRow> {
  const set = await findVoucherSet(deps.database.db, orgId, setId);
  if (!set) throw setNotFound();
  return set;
}

export async function listVoucherSets(
  deps: Deps,
  actor: Actor,
  orgId: number,
): Promise<VoucherSet[]> {
  const { role } = await requireOrgRole(deps, actor, orgId, READ_ROLE);
  return describeSets(deps, orgId, await listVoucherSetRows(deps.database.db, orgId), role);
}

export async function createVoucherSet(
  deps: Deps,
  actor: Actor,
  orgId: number,
  fields: VoucherSetFields & { name: string },
): Promise<VoucherSet> {
  await requireOrgRole(deps, actor, orgId, WRITE_ROLE);
  const row = await insertVoucherSet(deps.database.db, orgId, {
    name: requireName('name', fields.name),
    description: checkDescription(fields.description) ?? null,
    expires_at: parseExpiry(fields.expires_at) ?? null,
  });
  return { ...row, counts: NO_CODES, games: [] };
}

export async function getVoucherSet(
  deps: Deps,
  actor: Actor,
  orgId: number,
  setId: number,
): Promise<VoucherSet> {
  const { role } = await requireOrgRole(deps, actor, orgId, READ_ROLE);
  const [set] = await describeSets(deps, orgId, [await requireSet(deps, orgId, setId)], role);
  return set!;
}

export async function updateVoucherSet(
  deps: Deps,
  actor: Actor,
  orgId: number,
  setId: number,
  fields: VoucherSetFields,
): Promise<VoucherSet> {
  const { role } = await requireOrgRole(deps, actor, orgId, WRITE_ROLE);
  const patch: VoucherSetPatch = {};
  if (fields.name !== undefined) patch.name = requireName('name', fields.name);
  if (fields.description !== undefined) {
    patch.description = checkDescription(fields.description) ?? null;
  }
  const expiresAt = parseExpiry(fields.expires_at);
  if (expiresAt !== undefined) patch.expires_at = expiresAt;
  const row = await updateVoucherSetRow(deps.database.db, orgId, setId, patch);
  if (!row) throw setNotFound();
  const [set] = await describeSets(deps, orgId, [row], role);
  return set!;
}

export async function deleteVoucherSet(
  deps: Deps,
  actor: Actor,
  orgId: number,
  setId: number,
): Promise<void> {
  await requireOrgRole(deps, actor, orgId, WRITE_ROLE);
  const outcome = await deleteUnusedVoucherSet(deps.database.db, orgId, setId);
  if (outcome === 'missing') throw setNotFound();
  if (outcome === 'in_use') {
    throw new AppError(
      'conflict',
      "A game's prize slots use this voucher set; remove them from the prize list first",
    );
  }
}

function isForeignKeyViolation(error: unknown): boolean {
  return (error as { code?: string }).code === '23503';
}

/**
 * Adds uploaded codes: upper-cased, trimmed, empty lines skipped, codes repeated in the upload
 * or already in the set silently dropped (`duplicates` counts them).
 */
export async function uploadVoucherCodes(
  deps: Deps,
  actor: Actor,
  orgId: number,
  setId: number,
  upload: CodeUpload,
): Promise<{ added: number; duplicates: number; total: number }> {
  await requireOrgRole(deps, actor, orgId, WRITE_ROLE);
  await requireSet(deps, orgId, setId);
  const { codes, received } = parseCodeUpload(upload);
  if (codes.length === 0) {
    throw new AppError('validation_failed', 'The upload contains no codes');
  }
  try {
    const { added, total } = await insertCodes(deps.database.db, orgId, setId, codes);
    return { added, duplicates: received - added, total };
  } catch (error) {
    // The set was deleted between the check above and the insert.
    if (isForeignKeyViolation(error)) throw setNotFound();
    throw error;
  }
}

const GENERATE_ROUNDS = 10;

/**
 * Adds `count` new random codes. A code the set already has is drawn again, so exactly `count`
 * codes are added; when the random space is nearly used up that may fail (409, nothing added).
 */
export async function generateVoucherCodes(
  deps: Deps,
  actor: Actor,
  orgId: number,
  setId: number,
  options: GenerateOptions,
): Promise<{ added: number; total: number; codes: string[] }> {
  await requireOrgRole(deps, actor, orgId, WRITE_ROLE);
  const { count, prefix, length } = generateOptions(options);
  await requireSet(deps, orgId, setId);
  try {
    const codes = await deps.database.db.transaction().execute(async (trx) => {
      const added: string[] = [];
      for (let round = 0; round < GENERATE_ROUNDS && added.length < count; round++) {
        const batch = new Set<string>();
        while (batch.size < count - added.length) batch.add(randomCode(prefix, length));
        added.push(...(await insertNewCodes(trx, orgId, setId, [...batch])));
      }
      if (added.length < count) {
        throw new AppError(
          'conflict',
          'Could not generate enough unique codes; use a longer random part or another prefix',
        );
      }
      return added;
    });
    const counts = await countCodes(deps.database.db, orgId, [setId]);
    return { added: codes.length, total: counts.get(setId)?.total ?? codes.length, codes };
  } catch (error) {
    if (isForeignKeyViolation(error)) throw setNotFound();
    throw error;
  }
}

export async function listVoucherCodes(
  deps: Deps,
  actor: Actor,
  orgId: number,
  setId: number,
  filter: {
    status?: 'available' | 'claimed' | undefined;
    afterId?: number | undefined;
    limit: number;
  },
): Promise<{ codes: VoucherCodeView[]; nextCursor: number | null }> {
  const { role } = await requireOrgRole(deps, actor, orgId, READ_ROLE);
  await requireSet(deps, orgId, setId);
  const codes = await listCodes(deps.database.db, orgId, setId, filter);
  const last = codes.at(-1);
  return {
    codes: codes.map((row) => codeFor(role, row)),
    nextCursor: codes.length === filter.limit && last ? last.id : null,
  };
}

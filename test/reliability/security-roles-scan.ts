import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { createGame } from '../../src/modules/games/index.ts';
import { replacePrizes } from '../../src/modules/prizes/index.ts';
import { createVoucherSet, generateVoucherCodes } from '../../src/modules/vouchers/index.ts';
import type { Harness } from '../harness.ts';
import type { WallTenant } from './walls-seed.ts';

/**
 * What a low role must never read, and the scan that looks for it in any JSON answer: the
 * seeded voucher and prize codes (by value), key material (by shape and by value), password
 * and token hashes (by value and shape), and any object of a Draft game (by id and by the
 * marker its title and prize names carry).
 */

/** Keys and login tokens by shape, as the secrets check (secrets-check.ts) finds them. */
const KEY_SHAPES: readonly [string, RegExp][] = [
  ['dpk_ key', /dpk_[0-9a-f]{40}/],
  ['pk_ key', /pk_[0-9a-f]{48}/],
  ['login token', /pls_[A-Za-z0-9_-]{43}/],
  ['argon2 hash', /\$argon2(id|i|d)\$/],
];

export interface Extras {
  /** A Draft game with a shared-code prize and a voucher-set prize. */
  readonly draftGameId: number;
  readonly draftMarker: string;
  /** An Active game whose prize is one shared voucher code. */
  readonly sharedGameId: number;
  readonly sharedCode: string;
  readonly draftCode: string;
}

/** Adds to a walls tenant what the role scan needs beyond it. */
export async function seedExtras(h: Harness, t: WallTenant): Promise<Extras> {
  const actor = { userId: t.users.Owner.id };
  const draftMarker = `draft${randomBytes(5).toString('hex')}`;
  const sharedCode = `SHARED${randomBytes(6).toString('hex').toUpperCase()}`;
  const draftCode = `DRAFT${randomBytes(6).toString('hex').toUpperCase()}`;
  const draft = await createGame(h.deps, t.org.id, {
    title: `Draft ${draftMarker}`,
    status: 'Draft',
    prize_enabled: true,
  });
  const draftSet = await createVoucherSet(h.deps, actor, t.org.id, {
    name: `Draft set ${t.marker}`,
  });
  await generateVoucherCodes(h.deps, actor, t.org.id, draftSet.id, { count: 2 });
  await replacePrizes(h.deps, actor, t.org.id, draft.id, [
    { name: `Code ${draftMarker}`, type: 'voucher', win_chance: 40, voucher_code: draftCode },
    {
      name: `Set ${draftMarker}`,
      type: 'voucher_set',
      win_chance: 40,
      voucher_set_id: draftSet.id,
    },
    { name: `Nothing ${draftMarker}`, type: 'no_prize', win_chance: 20 },
  ]);
  const shared = await createGame(h.deps, t.org.id, {
    title: `Shared ${t.marker}`,
    status: 'Active',
    prize_enabled: true,
  });
  await replacePrizes(h.deps, actor, t.org.id, shared.id, [
    { name: 'Shared code', type: 'voucher', win_chance: 50, voucher_code: sharedCode },
    { name: 'Nothing', type: 'no_prize', win_chance: 50 },
  ]);
  return { draftGameId: draft.id, draftMarker, sharedGameId: shared.id, sharedCode, draftCode };
}

export interface Secrets {
  /** Voucher codes (sets and shared prize codes): for Editors and up. */
  readonly codes: ReadonlySet<string>;
  /** Raw keys and tokens, and stored hashes: for nobody. */
  readonly material: ReadonlySet<string>;
}

/** Everything secret the tenant holds, read from the database after seeding. */
export async function secretsOf(h: Harness, t: WallTenant, extras: Extras): Promise<Secrets> {
  const db = h.deps.database.db;
  const rows = async (query: ReturnType<typeof sql<{ v: string | null }>>) =>
    (await query.execute(db)).rows.map((r) => r.v).filter((v): v is string => Boolean(v));
  const orgId = t.org.id;
  const propertyId = String(t.objects.property);
  const codes = [
    ...(await rows(
      sql<{ v: string | null }>`SELECT code AS v FROM voucher_codes WHERE org_id = ${orgId}`,
    )),
    ...(await rows(
      sql<{ v: string | null }>`SELECT voucher_code AS v FROM prize_slots WHERE org_id = ${orgId}`,
    )),
    extras.sharedCode,
    extras.draftCode,
  ];
  const userIds = t.userIds;
  const material = [
    ...t.credentials.flatMap((c) =>
      Object.values(c.headers).map((v) => v.replace(/^Bearer /, '').replace(/^pl_player=/, '')),
    ),
    ...(await rows(
      sql<{ v: string | null }>`SELECT key_hash AS v FROM api_keys WHERE org_id = ${orgId}`,
    )),
    ...(await rows(
      sql<{
        v: string | null;
      }>`SELECT key_hash AS v FROM property_api_keys WHERE property_id = ${propertyId}::uuid`,
    )),
    ...(await rows(
      sql<{ v: string | null }>`SELECT token_hash AS v FROM invitations WHERE org_id = ${orgId}`,
    )),
    ...(await rows(
      sql<{
        v: string | null;
      }>`SELECT password_hash AS v FROM users WHERE id IN (${sql.join(userIds)})`,
    )),
    ...(await rows(
      sql<{
        v: string | null;
      }>`SELECT token_hash AS v FROM user_sessions WHERE user_id IN (${sql.join(userIds)})`,
    )),
  ];
  return {
    codes: new Set(codes.filter((code) => code.length >= 6)),
    // The play cookie is the player's own UUID, which answers may name; it is no key.
    material: new Set(
      material.filter((value) => value.length >= 20 && !/^[0-9a-f-]{36}$/.test(value)),
    ),
  };
}

export interface Finding {
  readonly kind: 'code' | 'key material' | 'draft game';
  readonly sample: string;
}

/** Walks a JSON answer: objects of the Draft game by id, then the text for values and shapes. */
export function scan(
  body: string,
  secrets: Secrets,
  extras: Extras,
  options: { drafts: boolean },
): Finding[] {
  const findings: Finding[] = [];
  const short = (value: string) => `${value.slice(0, 8)}…`;
  for (const code of secrets.codes) {
    if (body.includes(code)) findings.push({ kind: 'code', sample: short(code) });
  }
  for (const value of secrets.material) {
    if (body.includes(value)) findings.push({ kind: 'key material', sample: short(value) });
  }
  for (const [name, shape] of KEY_SHAPES) {
    if (shape.test(body)) findings.push({ kind: 'key material', sample: name });
  }
  if (!options.drafts) return findings;
  if (body.includes(extras.draftMarker)) {
    findings.push({ kind: 'draft game', sample: 'its title or a prize name' });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return findings;
  }
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const object = node as Record<string, unknown>;
    const isGame = 'title' in object && object.id === extras.draftGameId;
    if (isGame || object.game_id === extras.draftGameId) {
      findings.push({
        kind: 'draft game',
        sample: `object with ${isGame ? 'id' : 'game_id'} ${extras.draftGameId}`,
      });
    }
    for (const child of Object.values(object)) walk(child);
  };
  walk(parsed);
  return findings;
}

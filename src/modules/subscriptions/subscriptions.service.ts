import type { Channel, DB, Purpose } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { parseQuery, type RawQuery, type TableSpec } from '../../lib/postgrest-filter.ts';
import {
  deleteRows,
  type Row,
  selectRows,
  type TableResult,
  type TableTarget,
  updateRows,
} from '../../lib/table-query.ts';
import * as repo from './subscriptions.repo.ts';

/**
 * Subscription groups ("Promotions SMS", "VIP events email") and who is in or out of each: the
 * pre-send check skips a player of a group's message who is not subscribed to it. Groups are
 * managed through `/api/subscription_groups`, memberships set with set-subscriptions and read
 * through `/api/subscription_members`.
 */

/** Groups a property may hold: a marketer's list of programs, not one group per campaign. */
export const MAX_GROUPS_PER_PROPERTY = 100;
/** Players one set-subscriptions call may name. */
export const MAX_MEMBERS_PER_CALL = 1000;

const CHANNELS: readonly Channel[] = ['sms', 'email', 'voice', 'push'];
const PURPOSES: readonly Purpose[] = ['marketing', 'informational', 'transactional'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const GROUP_TABLE: TableSpec = {
  columns: {
    id: { type: 'uuid' },
    property_id: { type: 'uuid' },
    name: { type: 'text', write: true },
    channel: { type: 'text' },
    purpose: { type: 'text' },
    created_at: { type: 'timestamptz' },
  },
  defaultLimit: 100,
  maxLimit: 1000,
  tiebreaker: 'id',
  maxOffset: 100_000,
};

/** The key is (group_id, player_id): listMembers appends player_id after the tiebreaker. */
export const MEMBER_TABLE: TableSpec = {
  columns: {
    property_id: { type: 'uuid' },
    group_id: { type: 'uuid' },
    player_id: { type: 'uuid' },
    subscribed: { type: 'boolean' },
    changed_at: { type: 'timestamptz' },
  },
  defaultLimit: 100,
  maxLimit: 1000,
  tiebreaker: 'group_id',
  maxOffset: 100_000,
};

const target = (
  table: 'subscription_groups' | 'subscription_members',
  spec: TableSpec,
  propertyId: string,
): TableTarget<DB> => ({ table, spec, tenantColumn: 'property_id', tenantValue: propertyId });

const pgCode = (error: unknown) => (error as { code?: unknown } | null)?.code;

function nameTaken(error: unknown): unknown {
  return pgCode(error) === '23505'
    ? new AppError('conflict', 'The property already has a subscription group with that name')
    : error;
}

function groupName(value: unknown, at: string): string {
  const name = typeof value === 'string' ? value.trim() : '';
  if (name.length < 1 || name.length > 200) {
    throw new AppError('validation_failed', `${at}name must be text of 1 to 200 characters`);
  }
  return name;
}

function validateGroup(input: unknown, at: string): repo.NewGroup {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new AppError('validation_failed', `${at}a group must be an object`);
  }
  const fields = input as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (key !== 'name' && key !== 'channel' && key !== 'purpose') {
      throw new AppError(
        'validation_failed',
        `${at}field ${JSON.stringify(key)} cannot be set (a group takes name, channel and purpose)`,
      );
    }
  }
  const { channel, purpose } = fields;
  if (!CHANNELS.includes(channel as Channel)) {
    throw new AppError('validation_failed', `${at}channel must be one of ${CHANNELS.join(', ')}`);
  }
  if (!PURPOSES.includes(purpose as Purpose)) {
    throw new AppError('validation_failed', `${at}purpose must be one of ${PURPOSES.join(', ')}`);
  }
  return {
    name: groupName(fields.name, at),
    channel: channel as Channel,
    purpose: purpose as Purpose,
  };
}

export function listGroups(
  deps: Deps,
  propertyId: string,
  input: { query: RawQuery; prefer?: string | undefined },
): Promise<TableResult> {
  const plan = parseQuery(GROUP_TABLE, input.query, { prefer: input.prefer });
  return selectRows(deps.database.db, target('subscription_groups', GROUP_TABLE, propertyId), plan);
}

/**
 * Creates groups, all or none. A property holds at most MAX_GROUPS_PER_PROPERTY: a batch that
 * would pass it is refused whole (403 quota_exceeded), however many requests run at once.
 */
export async function createGroups(
  deps: Deps,
  propertyId: string,
  inputs: readonly unknown[],
): Promise<repo.GroupRow[]> {
  if (inputs.length === 0 || inputs.length > MAX_GROUPS_PER_PROPERTY) {
    throw new AppError(
      'validation_failed',
      `Send 1 to ${MAX_GROUPS_PER_PROPERTY} subscription groups`,
    );
  }
  const single = inputs.length === 1;
  const groups = inputs.map((input, i) =>
    validateGroup(input, single ? '' : `subscription_groups[${i}]: `),
  );
  const seen = new Map<string, number>();
  groups.forEach((group, i) => {
    const first = seen.get(group.name);
    if (first !== undefined) {
      throw new AppError(
        'validation_failed',
        `subscription_groups[${i}]: name repeats subscription_groups[${first}]`,
      );
    }
    seen.set(group.name, i);
  });
  const now = deps.clock.now();
  let rows: repo.GroupRow[];
  try {
    rows = await deps.database.db
      .transaction()
      .execute((trx) => repo.insertGroups(trx, propertyId, groups, MAX_GROUPS_PER_PROPERTY, now));
  } catch (error) {
    throw nameTaken(error);
  }
  if (rows.length === 0) {
    throw new AppError(
      'quota_exceeded',
      `A property may have at most ${MAX_GROUPS_PER_PROPERTY} subscription groups; delete one first`,
      { limit: MAX_GROUPS_PER_PROPERTY },
    );
  }
  return rows;
}

/** Renames the matching groups; channel and purpose are fixed once a group exists. */
export async function updateGroupsWhere(
  deps: Deps,
  propertyId: string,
  query: RawQuery,
  body: unknown,
): Promise<Row[]> {
  const plan = parseQuery(GROUP_TABLE, query, { mode: 'write' });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AppError('validation_failed', 'The body must be an object');
  }
  const fields = body as Record<string, unknown>;
  const other = Object.keys(fields).find((key) => key !== 'name');
  if (other !== undefined || !('name' in fields)) {
    throw new AppError(
      'validation_failed',
      'Only name can be changed; channel and purpose are fixed once a group exists (create another group)',
    );
  }
  const name = groupName(fields.name, '');
  try {
    return await updateRows(
      deps.database.db,
      target('subscription_groups', GROUP_TABLE, propertyId),
      plan,
      { name },
      deps.clock.now(),
    );
  } catch (error) {
    throw nameTaken(error);
  }
}

/** Deletes the matching groups and, with them, their memberships. */
export function deleteGroupsWhere(deps: Deps, propertyId: string, query: RawQuery): Promise<Row[]> {
  const plan = parseQuery(GROUP_TABLE, query, { mode: 'write' });
  return deleteRows(deps.database.db, target('subscription_groups', GROUP_TABLE, propertyId), plan);
}

export function listMembers(
  deps: Deps,
  propertyId: string,
  input: { query: RawQuery; prefer?: string | undefined },
): Promise<TableResult> {
  const plan = parseQuery(MEMBER_TABLE, input.query, { prefer: input.prefer });
  // (group_id, player_id) is the key: both in the order make limit/offset pages stable.
  const order = plan.order.some((term) => term.column === 'player_id')
    ? plan.order
    : [...plan.order, { column: 'player_id', direction: plan.order.at(-1)?.direction ?? 'asc' }];
  return selectRows(deps.database.db, target('subscription_members', MEMBER_TABLE, propertyId), {
    ...plan,
    order,
  });
}

export interface MemberInput {
  player_id: string;
  subscribed: boolean;
}

/**
 * Sets players in or out of a group (`POST /api/functions/set-subscriptions`). A player is named
 * by PlayLoop's id or the casino's; one the property does not have is reported in `unknown` (the
 * others are still set). Another property's group is 404, another property's player unknown.
 */
export async function setSubscriptions(
  deps: Deps,
  propertyId: string,
  input: { group_id: string; members: readonly MemberInput[] },
): Promise<{ updated: number; unknown: string[] }> {
  const { members } = input;
  if (members.length === 0 || members.length > MAX_MEMBERS_PER_CALL) {
    throw new AppError('validation_failed', `members must hold 1 to ${MAX_MEMBERS_PER_CALL}`);
  }
  const db = deps.database.db;
  if (!UUID.test(input.group_id) || !(await repo.groupExists(db, propertyId, input.group_id))) {
    throw notFound('Subscription group');
  }
  const given = members.map((m) => m.player_id.trim());
  const uuids = [...new Set(given.filter((id) => UUID.test(id)).map((id) => id.toLowerCase()))];
  const players = await repo.findPlayers(db, propertyId, uuids, [...new Set(given)]);
  const byUuid = new Map(players.map((p) => [p.id, p.id]));
  const byCasinoId = new Map(players.flatMap((p) => (p.player_id ? [[p.player_id, p.id]] : [])));
  const unknown: string[] = [];
  const chosen = new Map<string, number>();
  const rows: { playerId: string; subscribed: boolean }[] = [];
  members.forEach((member, i) => {
    const id = given[i] ?? '';
    const playerId = byUuid.get(id.toLowerCase()) ?? byCasinoId.get(id);
    if (!playerId) {
      unknown.push(member.player_id);
      return;
    }
    const first = chosen.get(playerId);
    if (first !== undefined) {
      throw new AppError(
        'validation_failed',
        `members[${i}]: the player of members[${first}] again`,
      );
    }
    chosen.set(playerId, i);
    rows.push({ playerId, subscribed: member.subscribed });
  });
  if (rows.length === 0) return { updated: 0, unknown };
  try {
    const updated = await repo.upsertMembers(
      db,
      propertyId,
      input.group_id,
      rows,
      deps.clock.now(),
    );
    // Zero rows for known players: the group was deleted after it was looked up.
    if (updated === 0) throw notFound('Subscription group');
    return { updated, unknown };
  } catch (error) {
    if (pgCode(error) === '23503') {
      throw new AppError(
        'conflict',
        'A player or the group was deleted while the subscriptions were being set; send again',
      );
    }
    throw error;
  }
}

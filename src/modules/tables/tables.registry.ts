import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import {
  CONSENT_TABLE,
  type ConsentInput,
  DECISION_TABLE,
  INBOUND_TABLE,
  listConsents,
  listDecisions,
  listInboundMessages,
  recordConsents,
} from '../compliance/index.ts';
import type { RawQuery, TableSpec } from '../../lib/postgrest-filter.ts';
import type { Row, TableResult } from '../../lib/table-query.ts';
import {
  createPlayer,
  createPlayers,
  deletePlayersWhere,
  listPlayers,
  PLAYER_TABLE,
  updatePlayersWhere,
} from '../players/index.ts';
import {
  createGroups,
  deleteGroupsWhere,
  GROUP_TABLE,
  listGroups,
  listMembers,
  MEMBER_TABLE,
  updateGroupsWhere,
} from '../subscriptions/index.ts';

const REVIEW_HINT =
  'replies come from the carrier; settle one flagged for review with POST /api/functions/review-sms-reply';

/** What `/api/{table}` can do with one table; each function is the owning module's service. */
export interface ExposedTable {
  readonly spec: TableSpec;
  list(
    deps: Deps,
    propertyId: string,
    input: { query: RawQuery; prefer?: string | undefined },
  ): Promise<TableResult>;
  /** An object body inserts one row, an array body many (all or none). */
  insert(deps: Deps, propertyId: string, body: unknown): Promise<Row | Row[]>;
  update(deps: Deps, propertyId: string, query: RawQuery, body: unknown): Promise<Row[]>;
  remove(deps: Deps, propertyId: string, query: RawQuery): Promise<Row[]>;
}

/**
 * The tables exposed as `/api/{table}`. A Map, so a name from the URL never reaches an
 * inherited object property. Each module keeps its own validation (players: PLAYER_TABLE and
 * validatePlayer); this registry only routes.
 */
export const EXPOSED_TABLES: ReadonlyMap<string, ExposedTable> = new Map<string, ExposedTable>([
  [
    'players',
    {
      spec: PLAYER_TABLE,
      list: listPlayers,
      insert: async (deps, propertyId, body) =>
        Array.isArray(body)
          ? (await createPlayers(deps, propertyId, body)).map((row) => ({ ...row }))
          : { ...(await createPlayer(deps, propertyId, body)) },
      update: updatePlayersWhere,
      remove: deletePlayersWhere,
    },
  ],
  [
    'consents',
    {
      spec: CONSENT_TABLE,
      list: listConsents,
      // The same as POST /api/functions/record-consent.
      insert: async (deps, propertyId, body) => {
        const rows = await recordConsents(
          deps,
          { id: propertyId },
          (Array.isArray(body) ? body : [body]) as ConsentInput[],
        );
        return Array.isArray(body) ? rows.map((row) => ({ ...row })) : { ...rows[0] };
      },
      update: () => appendOnly('consents'),
      remove: () => appendOnly('consents'),
    },
  ],
  [
    'compliance_decisions',
    {
      spec: DECISION_TABLE,
      list: listDecisions,
      insert: () => appendOnly('compliance_decisions'),
      update: () => appendOnly('compliance_decisions'),
      remove: () => appendOnly('compliance_decisions'),
    },
  ],
  [
    // SMS replies as received; a reply flagged for review is settled with
    // POST /api/functions/review-sms-reply.
    'inbound_messages',
    {
      spec: INBOUND_TABLE,
      list: listInboundMessages,
      insert: () => appendOnly('inbound_messages', REVIEW_HINT),
      update: () => appendOnly('inbound_messages', REVIEW_HINT),
      remove: () => appendOnly('inbound_messages', REVIEW_HINT),
    },
  ],
  [
    'subscription_groups',
    {
      spec: GROUP_TABLE,
      list: listGroups,
      insert: async (deps, propertyId, body) => {
        const rows = await createGroups(deps, propertyId, Array.isArray(body) ? body : [body]);
        return Array.isArray(body) ? rows.map((row) => ({ ...row })) : { ...rows[0] };
      },
      update: updateGroupsWhere,
      remove: deleteGroupsWhere,
    },
  ],
  [
    'subscription_members',
    {
      spec: MEMBER_TABLE,
      list: listMembers,
      insert: () => setThroughFunction(),
      update: () => setThroughFunction(),
      remove: () => setThroughFunction(),
    },
  ],
]);

/** Records of what happened are never changed through the table API. */
function appendOnly(
  table: string,
  hint = 'record a revocation (POST /api/functions/record-consent) instead of changing or deleting',
): never {
  throw new AppError('validation_failed', `${table} is append-only: ${hint}`);
}

/** Memberships change through one function, which resolves players and reports unknown ones. */
function setThroughFunction(): never {
  throw new AppError(
    'validation_failed',
    'subscription_members is read-only here: set memberships with POST /api/functions/set-subscriptions',
  );
}

export const TABLE_NAMES = [...EXPOSED_TABLES.keys()];

export const isExposedTable = (name: string) => EXPOSED_TABLES.has(name);

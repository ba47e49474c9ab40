import { PLAN_TIERS } from '../config.ts';
import type { Deps } from '../deps.ts';
import type { CliIo } from './io.ts';
import { AppError } from '../lib/errors.ts';
import { createApiKey } from '../modules/api-keys/index.ts';
import {
  addMember,
  createOrganization,
  findOrganization,
  ORG_TYPES,
  ROLES,
  setPlanTier,
} from '../modules/organizations/index.ts';
import { createProperty } from '../modules/properties/index.ts';
import { createStream } from '../modules/streams/index.ts';
import { gameCreate, gameList } from './game-create.ts';
import { playersImport } from './players-import.ts';
import { propertyRecountUsage, propertySetQuota } from './property-quota.ts';
import { createUser } from '../modules/users/index.ts';
import {
  optional,
  optionalChoice,
  optionalDateTime,
  optionalInt,
  optionalIntList,
  required,
  requiredChoice,
  requiredInt,
  requiredIntList,
  UsageError,
  type Values,
} from './args.ts';

/** What a command prints: `json` with `--json`, otherwise `text`. */
export interface Result {
  json: unknown;
  text: string;
  /** Non-zero when the command did its work but something in it failed (default 0). */
  exitCode?: number;
}

export interface Command {
  /** The words that select it, e.g. `org create`. */
  readonly name: string;
  readonly usage: string;
  /** Every option is a string; flags shared by all commands are added by the caller. */
  readonly options: readonly string[];
  /**
   * Validates the arguments (and reads any file they name, against `io.cwd`) without touching
   * the database, and returns the work to do. The work may run in the server's process
   * (src/cli/control.ts): it uses `io`, never `process.std*`.
   */
  prepare(values: Values, io: CliIo): Work;
}

/** A command's work once its arguments are checked. */
export type Work = (deps: Deps) => Promise<Result>;

const orgCreate: Command = {
  name: 'org create',
  usage: `--name N [--slug S] [--type ${ORG_TYPES.join('|')}] [--tier ${PLAN_TIERS.join('|')}]`,
  options: ['name', 'slug', 'type', 'tier'],
  prepare(values) {
    const input = {
      name: required(values, 'name'),
      slug: optional(values, 'slug'),
      type: optionalChoice(values, 'type', ORG_TYPES),
      planTier: optionalChoice(values, 'tier', PLAN_TIERS),
    };
    return async (deps) => {
      const org = await createOrganization(deps, input);
      return {
        json: org,
        text: `created organization ${org.id} "${org.name}" (slug ${org.slug}, ${org.type}, ${org.plan_tier} tier)`,
      };
    };
  },
};

const orgSetTier: Command = {
  name: 'org set-tier',
  usage: `--org ID --tier ${PLAN_TIERS.join('|')}`,
  options: ['org', 'tier'],
  prepare(values) {
    const orgId = requiredInt(values, 'org');
    const tier = requiredChoice(values, 'tier', PLAN_TIERS);
    return async (deps) => {
      const org = await setPlanTier(deps, orgId, tier);
      return { json: org, text: `organization ${org.id} "${org.name}" is on the ${tier} tier` };
    };
  },
};

const userCreate: Command = {
  name: 'user create',
  usage: `--email E --password P [--name N] [--org ID --role ${ROLES.join('|')}]`,
  options: ['email', 'password', 'name', 'org', 'role'],
  prepare(values) {
    const input = {
      email: required(values, 'email'),
      password: required(values, 'password'),
      name: optional(values, 'name'),
    };
    const orgId = optionalInt(values, 'org');
    const role = optionalChoice(values, 'role', ROLES);
    if ((orgId === undefined) !== (role === undefined)) {
      throw new UsageError('--org and --role must be given together');
    }
    return async (deps) => {
      // Checked first so a mistyped --org does not leave a user behind without the membership.
      if (orgId !== undefined && !(await findOrganization(deps.database.db, orgId))) {
        throw new AppError('not_found', 'Organization not found');
      }
      const user = await createUser(deps, input);
      const membership = orgId !== undefined && role !== undefined ? { org_id: orgId, role } : null;
      if (membership) await addMember(deps, membership.org_id, user.id, membership.role);
      const suffix = membership
        ? ` as ${membership.role} of organization ${membership.org_id}`
        : '';
      return {
        json: { ...user, membership },
        text: `created user ${user.id} <${user.email}>${suffix}`,
      };
    };
  },
};

const streamCreate: Command = {
  name: 'stream create',
  usage: '--org ID --name N [--slug S] --games ID,ID…',
  options: ['org', 'name', 'slug', 'games'],
  prepare(values) {
    const orgId = requiredInt(values, 'org');
    const input = {
      name: required(values, 'name'),
      slug: optional(values, 'slug'),
      gameIds: requiredIntList(values, 'games'),
    };
    return async (deps) => {
      const stream = await createStream(deps, orgId, input);
      return {
        json: stream,
        text: `created stream ${stream.id} "${stream.name}" (slug ${stream.slug}) with game(s) ${stream.game_ids.join(', ')} in organization ${orgId}`,
      };
    };
  },
};

const keyCreate: Command = {
  name: 'key create',
  usage:
    '--org ID --name N [--description D] [--games ID,…] [--streams ID,…] [--per-minute 60] [--per-day 10000] [--expires-at ISO]',
  options: [
    'org',
    'name',
    'description',
    'games',
    'streams',
    'per-minute',
    'per-day',
    'expires-at',
  ],
  prepare(values) {
    const orgId = requiredInt(values, 'org');
    const fields = {
      name: required(values, 'name'),
      description: optional(values, 'description'),
      allowed_game_ids: optionalIntList(values, 'games'),
      allowed_stream_ids: optionalIntList(values, 'streams'),
      rate_limit_per_minute: optionalInt(values, 'per-minute'),
      rate_limit_per_day: optionalInt(values, 'per-day'),
      expires_at: optionalDateTime(values, 'expires-at'),
    };
    return async (deps) => {
      const key = await createApiKey(deps, undefined, orgId, fields);
      return {
        json: key,
        text: [
          `created API key ${key.id} "${key.name}" in organization ${orgId}:`,
          `  ${key.key}`,
          'Store it now: it is shown only this once (only its hash is kept).',
        ].join('\n'),
      };
    };
  },
};

const propertyCreate: Command = {
  name: 'property create',
  usage: '--org ID --name N [--timezone Z]',
  options: ['org', 'name', 'timezone'],
  prepare(values) {
    const input = {
      orgId: requiredInt(values, 'org'),
      name: required(values, 'name'),
      timezone: optional(values, 'timezone'),
    };
    return async (deps) => {
      const property = await createProperty(deps, undefined, input);
      return {
        json: property,
        text: `created property ${property.id} "${property.name}" (${property.timezone}) in organization ${property.org_id}`,
      };
    };
  },
};

export const COMMANDS: readonly Command[] = [
  orgCreate,
  orgSetTier,
  userCreate,
  gameCreate,
  gameList,
  streamCreate,
  keyCreate,
  propertyCreate,
  propertySetQuota,
  propertyRecountUsage,
  playersImport,
];

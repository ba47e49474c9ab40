import { randomBytes } from 'node:crypto';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { ianaTimeZone } from '../../lib/time-zone.ts';
import {
  findOrganization,
  requireName,
  requireOrgRole,
  type Role,
  slugify,
} from '../organizations/index.ts';
import type { Actor } from '../users/index.ts';
import * as repo from './streams.repo.ts';
import type {
  OrderMode,
  StreamDetail,
  StreamPatch,
  StreamRow,
  StreamStatus,
  StreamWithGames,
} from './streams.repo.ts';

export { STREAM_STATUSES, ORDER_MODES, type OrderMode, type StreamStatus } from './streams.repo.ts';

export type { StreamDetail } from './streams.repo.ts';

export interface StreamFields {
  name?: string | undefined;
  slug?: string | undefined;
  description?: string | null | undefined;
  /** The games in play order; on update the list is replaced as a whole. */
  gameIds?: readonly number[] | undefined;
  order_mode?: OrderMode | undefined;
  start_at?: Date | string | null | undefined;
  end_at?: Date | string | null | undefined;
  timezone?: string | undefined;
  max_total_plays?: number | null | undefined;
  max_plays_per_player?: number | null | undefined;
  completion_message?: string | null | undefined;
  status?: StreamStatus | undefined;
}

export type CreateStreamInput = StreamFields & { name: string; gameIds: readonly number[] };

const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const DESCRIPTION_MAX = 2000;
const COMPLETION_MESSAGE_MAX = 1000;
const MAX_INT = 2_147_483_647;
/** Statuses a Viewer sees: published ones, not those being set up or retired. */
const VIEWER_STATUSES: readonly StreamStatus[] = ['Scheduled', 'Active', 'Paused', 'Completed'];

const invalid = (message: string) => new AppError('validation_failed', message);

function slugOf(value: string): string {
  if (!SLUG_PATTERN.test(value) || value.length > 64) {
    throw invalid('slug may contain only lowercase letters, digits and single hyphens (≤ 64)');
  }
  return value;
}

/** The zone's canonical IANA name ("utc" → "UTC"); offsets like "+07:00" are refused. */
export function canonicalTimezone(value: string): string {
  const zone = ianaTimeZone(value);
  if (zone === undefined) {
    throw invalid(`timezone "${value}" is not an IANA time zone name (e.g. Asia/Bangkok)`);
  }
  return zone;
}

function instant(field: string, value: Date | string | null): Date | null {
  if (value === null) return null;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw invalid(`${field} must be an ISO-8601 date-time`);
  return date;
}

function text(field: string, value: string | null, max: number): string | null {
  if (value !== null && value.length > max) {
    throw invalid(`${field} must have at most ${max} characters`);
  }
  return value;
}

function cap(field: string, value: number | null): number | null {
  if (value !== null && (!Number.isInteger(value) || value < 1 || value > MAX_INT)) {
    throw invalid(`${field} must be a positive integer`);
  }
  return value;
}

function gameList(ids: readonly number[]): number[] {
  if (ids.some((id) => !Number.isInteger(id) || id < 1 || id > MAX_INT)) {
    throw invalid('game_ids must be positive integers');
  }
  return [...new Set(ids)];
}

/** The column changes the fields ask for, each checked on its own. */
function patchOf(fields: StreamFields): StreamPatch {
  const patch: StreamPatch = {};
  if (fields.name !== undefined) patch.name = requireName('name', fields.name);
  if (fields.slug !== undefined) patch.slug = slugOf(fields.slug);
  if (fields.description !== undefined) {
    patch.description = text('description', fields.description, DESCRIPTION_MAX);
  }
  if (fields.order_mode !== undefined) patch.order_mode = fields.order_mode;
  if (fields.start_at !== undefined) patch.start_at = instant('start_at', fields.start_at);
  if (fields.end_at !== undefined) patch.end_at = instant('end_at', fields.end_at);
  if (fields.timezone !== undefined) patch.timezone = canonicalTimezone(fields.timezone);
  if (fields.max_total_plays !== undefined) {
    patch.max_total_plays = cap('max_total_plays', fields.max_total_plays);
  }
  if (fields.max_plays_per_player !== undefined) {
    patch.max_plays_per_player = cap('max_plays_per_player', fields.max_plays_per_player);
  }
  if (fields.completion_message !== undefined) {
    patch.completion_message = text(
      'completion_message',
      fields.completion_message,
      COMPLETION_MESSAGE_MAX,
    );
  }
  if (fields.status !== undefined) patch.status = fields.status;
  return patch;
}

/** Rules across fields, checked on the stream as it will be after the change. */
function checkWhole(
  stream: Pick<StreamRow, 'status' | 'start_at' | 'end_at'>,
  gameCount: number,
): void {
  if (stream.start_at && stream.end_at && stream.start_at >= stream.end_at) {
    throw invalid('start_at must be before end_at');
  }
  if (stream.status === 'Scheduled' && !stream.start_at) {
    throw invalid('A Scheduled stream needs start_at');
  }
  if ((stream.status === 'Scheduled' || stream.status === 'Active') && gameCount === 0) {
    throw invalid(`A ${stream.status} stream needs at least one game in game_ids`);
  }
}

async function assertOwnGames(
  db: Parameters<typeof repo.unknownGameIds>[0],
  orgId: number,
  gameIds: readonly number[],
): Promise<void> {
  const unknown = await repo.unknownGameIds(db, orgId, gameIds);
  if (unknown.length > 0) {
    throw new AppError(
      'validation_failed',
      `game_ids has unknown game id(s): ${unknown.join(', ')}`,
      { unknown_game_ids: unknown },
    );
  }
}

/** Maps constraint violations that can still happen under concurrency to catalog errors. */
function fromDatabase(error: unknown, slug: string | undefined): never {
  const { code, constraint } = error as { code?: string; constraint?: string };
  if (code === '23503' && constraint?.includes('game')) {
    throw invalid('game_ids has a game that no longer exists');
  }
  if (code === '23503') throw new AppError('not_found', 'Organization not found');
  if (code === '23505') {
    throw new AppError(
      'conflict',
      `The organization already has a stream with slug "${slug ?? ''}"; choose another slug`,
    );
  }
  if (code === '23514') throw invalid('The stream settings are not valid');
  throw error;
}

/**
 * Creates a stream with its games. With an actor (the management API) the actor must be an
 * Editor or above and the stream starts as a Draft; without one the caller is trusted tooling
 * (seed, CLI, test factories) and the stream starts Active.
 */
export async function createStream(
  deps: Deps,
  orgId: number,
  input: CreateStreamInput,
  actor?: Actor,
): Promise<StreamDetail> {
  const org = actor
    ? (await requireOrgRole(deps, actor, orgId, 'Editor')).org
    : await findOrganization(deps.database.db, orgId);
  if (!org) throw new AppError('not_found', 'Organization not found');
  const patch = patchOf(input);
  const gameIds = gameList(input.gameIds);
  const name = requireName('name', input.name);
  const values: repo.NewStream = {
    name,
    slug: patch.slug ?? slugOf(slugify(name)),
    description: patch.description ?? null,
    order_mode: patch.order_mode ?? 'fixed',
    start_at: patch.start_at ?? null,
    end_at: patch.end_at ?? null,
    timezone: patch.timezone ?? 'UTC',
    max_total_plays: patch.max_total_plays ?? null,
    max_plays_per_player: patch.max_plays_per_player ?? null,
    completion_message: patch.completion_message ?? null,
    status: patch.status ?? (actor ? 'Draft' : 'Active'),
  };
  checkWhole(values, gameIds.length);
  try {
    return await deps.database.db.transaction().execute(async (trx) => {
      await assertOwnGames(trx, orgId, gameIds);
      const stream = await repo.insertStream(trx, orgId, values, deps.clock.now());
      await repo.insertStreamGames(trx, orgId, stream.id, gameIds);
      return { ...stream, game_ids: gameIds, org_slug: org.slug };
    });
  } catch (error) {
    return fromDatabase(error, values.slug);
  }
}

function visibleTo(role: Role, stream: StreamRow): boolean {
  return role !== 'Viewer' || VIEWER_STATUSES.includes(stream.status);
}

export async function listStreams(
  deps: Deps,
  actor: Actor,
  orgId: number,
  filter: { status?: StreamStatus | undefined } = {},
): Promise<StreamDetail[]> {
  const { org, role } = await requireOrgRole(deps, actor, orgId, 'Viewer');
  let statuses: readonly StreamStatus[] | undefined = filter.status ? [filter.status] : undefined;
  if (role === 'Viewer')
    statuses = (statuses ?? VIEWER_STATUSES).filter((s) => VIEWER_STATUSES.includes(s));
  const streams = await repo.listStreams(deps.database.db, orgId, { statuses });
  return streams.map((stream) => ({ ...stream, org_slug: org.slug }));
}

export async function getStream(
  deps: Deps,
  actor: Actor,
  orgId: number,
  streamId: number,
): Promise<StreamDetail> {
  const { org, role } = await requireOrgRole(deps, actor, orgId, 'Viewer');
  const stream = await repo.findStream(deps.database.db, orgId, streamId);
  if (!stream || !visibleTo(role, stream)) throw new AppError('not_found', 'Stream not found');
  return { ...stream, org_slug: org.slug };
}

export async function updateStream(
  deps: Deps,
  actor: Actor,
  orgId: number,
  streamId: number,
  fields: StreamFields,
): Promise<StreamDetail> {
  const { org } = await requireOrgRole(deps, actor, orgId, 'Editor');
  const patch = patchOf(fields);
  const gameIds = fields.gameIds === undefined ? undefined : gameList(fields.gameIds);
  try {
    // One transaction: the row lock orders concurrent edits, so the rules across fields are
    // checked on what the stream really becomes, and the game list never shows half a change.
    return await deps.database.db.transaction().execute(async (trx) => {
      const current = await repo.lockStream(trx, orgId, streamId);
      if (!current) throw new AppError('not_found', 'Stream not found');
      if (gameIds) await assertOwnGames(trx, orgId, gameIds);
      const finalGameIds = gameIds ?? (await repo.streamGameIds(trx, orgId, streamId));
      checkWhole({ ...current, ...patch }, finalGameIds.length);
      const updated = await repo.updateStream(trx, orgId, streamId, patch, deps.clock.now());
      if (!updated) throw new AppError('not_found', 'Stream not found');
      if (gameIds) await repo.replaceStreamGames(trx, orgId, streamId, gameIds);
      return { ...updated, game_ids: finalGameIds, org_slug: org.slug };
    });
  } catch (error) {
    return fromDatabase(error, patch.slug);
  }
}

export async function deleteStream(
  deps: Deps,
  actor: Actor,
  orgId: number,
  streamId: number,
): Promise<void> {
  await requireOrgRole(deps, actor, orgId, 'Editor');
  const deleted = await repo.deleteStream(deps.database.db, orgId, streamId);
  if (!deleted) throw new AppError('not_found', 'Stream not found');
}

/**
 * Sets a new identity secret for the stream's public links (Editor or above) and returns it:
 * this is the only time it is shown. Links signed with the previous secret stop identifying
 * their player at once (they still play, counted per device).
 */
export async function rotateIdentitySecret(
  deps: Deps,
  actor: Actor,
  orgId: number,
  streamId: number,
): Promise<string> {
  await requireOrgRole(deps, actor, orgId, 'Editor');
  const secret = randomBytes(32).toString('hex');
  const set = await repo.setIdentitySecret(
    deps.database.db,
    orgId,
    streamId,
    secret,
    deps.clock.now(),
  );
  if (!set) throw new AppError('not_found', 'Stream not found');
  return secret;
}

/** Trusted tooling: every stream of an organization. */
export function listOrgStreams(deps: Deps, orgId: number): Promise<StreamWithGames[]> {
  return repo.listStreams(deps.database.db, orgId);
}

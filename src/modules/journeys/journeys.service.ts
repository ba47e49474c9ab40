import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { DB, JourneyRunStatus, JourneyStatus } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import {
  type CampaignContent,
  closeTriggeredCampaigns,
  createTriggeredCampaign,
} from '../campaigns/index.ts';
import { getTemplate } from '../content/index.ts';
import { getPlayer, validatePlayer } from '../players/index.ts';
import { endpointUsable } from '../webhooks/index.ts';
import { segmentCondition } from '../segments/index.ts';
import { parseCondition } from './journeys.condition.ts';
import { versionOf } from './journeys.engine.ts';
import { checkGraph, type JourneyGraph, WAITS } from './journeys.graph.ts';
import * as repo from './journeys.repo.ts';
import { enter } from './journeys.entry.ts';
import { listSegmentAtPublish } from './journeys.segments.ts';

/** Journeys one property may hold. */
export const MAX_JOURNEYS_PER_PROPERTY = 500;
export const MAX_PAGE = 100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface PropertyRef {
  readonly id: string;
  readonly orgId: number;
}

const journeyNotFound = () => notFound('Journey');

function encodeCursor(row: { at: Date; id: string }): string {
  return Buffer.from(`${row.at.toISOString()}|${row.id}`).toString('base64url');
}

function decodeCursor(cursor: string | undefined): { created_at: Date; id: string } | undefined {
  if (cursor === undefined) return undefined;
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const date = new Date(at ?? '');
  if (!id || !UUID.test(id) || Number.isNaN(date.getTime())) {
    throw new AppError('validation_failed', 'before is not a cursor this list gave', {
      field: 'before',
    });
  }
  return { created_at: date, id };
}

function nameTaken(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code === '23505'
    ? new AppError('conflict', 'A journey with this name already exists in this property', {
        field: 'name',
      })
    : error;
}

export function journeyView(row: repo.JourneyRow) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    status: row.status,
    version: row.version,
    graph: row.draft as JourneyGraph,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

async function found(deps: Deps, property: PropertyRef, id: string) {
  const row = UUID.test(id)
    ? await repo.findJourney(deps.database.db, property.id, id.toLowerCase())
    : undefined;
  if (!row) throw journeyNotFound();
  return row;
}

async function locked(trx: Transaction<DB>, property: PropertyRef, id: string) {
  const row = UUID.test(id)
    ? await repo.lockJourney(trx, property.id, id.toLowerCase())
    : undefined;
  if (!row) throw journeyNotFound();
  return row;
}

export interface JourneyInput {
  name: string;
  description?: string | null | undefined;
  graph: unknown;
}

function journeyName(raw: string): string {
  const name = raw.trim();
  if (name.length < 1 || name.length > 200) {
    throw new AppError('validation_failed', 'name must be text of 1 to 200 characters', {
      field: 'name',
    });
  }
  return name;
}

export async function createJourney(deps: Deps, property: PropertyRef, input: JourneyInput) {
  const name = journeyName(input.name);
  const graph = checkGraph(input.graph);
  const now = deps.clock.now();
  try {
    const row = await deps.database.db
      .transaction()
      .execute((trx) =>
        repo.insertJourney(
          trx,
          property.id,
          { name, description: input.description ?? null, draft: graph },
          MAX_JOURNEYS_PER_PROPERTY,
          now,
        ),
      );
    if (!row) {
      throw new AppError(
        'quota_exceeded',
        `A property holds at most ${MAX_JOURNEYS_PER_PROPERTY} journeys`,
      );
    }
    return journeyView(row);
  } catch (error) {
    throw nameTaken(error);
  }
}

export async function getJourney(deps: Deps, property: PropertyRef, id: string) {
  return journeyView(await found(deps, property, id));
}

export async function listJourneys(
  deps: Deps,
  property: PropertyRef,
  query: {
    status?: JourneyStatus | undefined;
    before?: string | undefined;
    limit?: number | undefined;
  },
) {
  const limit = Math.min(query.limit ?? 50, MAX_PAGE);
  const rows = await repo.listJourneys(deps.database.db, property.id, {
    status: query.status,
    before: decodeCursor(query.before),
    limit,
  });
  const last = rows.at(-1);
  return {
    data: rows.map(journeyView),
    next_before:
      rows.length === limit && last ? encodeCursor({ at: last.created_at, id: last.id }) : null,
  };
}

export async function updateJourney(
  deps: Deps,
  property: PropertyRef,
  id: string,
  patch: Partial<JourneyInput>,
) {
  const row = await found(deps, property, id);
  if (row.status === 'archived')
    throw new AppError('conflict', 'An archived journey cannot change');
  const values: Parameters<typeof repo.updateJourney>[3] = {};
  if (patch.name !== undefined) values.name = journeyName(patch.name);
  if (patch.description !== undefined) values.description = patch.description;
  if (patch.graph !== undefined) values.draft = checkGraph(patch.graph);
  try {
    const updated = await repo.updateJourney(
      deps.database.db,
      property.id,
      row.id,
      values,
      deps.clock.now(),
    );
    if (!updated) throw journeyNotFound();
    return journeyView(updated);
  } catch (error) {
    throw nameTaken(error);
  }
}

export async function deleteJourney(deps: Deps, property: PropertyRef, id: string) {
  const row = await found(deps, property, id);
  if (row.status === 'active' || row.status === 'paused') {
    throw new AppError('conflict', 'Archive the journey before deleting it', {
      status: row.status,
    });
  }
  if (!(await repo.deleteJourney(deps.database.db, property.id, row.id))) throw journeyNotFound();
}

/** The checks a graph passes before it may go live: its filters, templates and profile values. */
async function checkForPublishing(deps: Deps, property: PropertyRef, graph: JourneyGraph) {
  const contents = new Map<string, CampaignContent>();
  if (
    graph.trigger.type === 'segment_entered' &&
    !(await segmentCondition(deps.database.db, property.id, graph.trigger.segment_id))
  ) {
    throw new AppError(
      'validation_failed',
      `trigger: no segment ${graph.trigger.segment_id} in this property`,
      { field: 'graph.trigger.segment_id' },
    );
  }
  for (const [id, node] of Object.entries(graph.nodes)) {
    const at = (message: string) =>
      new AppError('validation_failed', `nodes.${id}: ${message}`, { field: `graph.nodes.${id}` });
    if (node.type === 'condition') {
      try {
        parseCondition(node.filter);
      } catch (error) {
        throw error instanceof AppError ? at(error.message) : error;
      }
    }
    if (node.type === 'update_profile') {
      const columns = Object.fromEntries(
        Object.entries(node.set).filter(([key]) => !key.startsWith('traits.')),
      );
      try {
        if (Object.keys(columns).length > 0) validatePlayer(columns, 'update', deps.clock.now());
      } catch (error) {
        throw error instanceof AppError ? at(error.message) : error;
      }
    }
    if (
      node.type === 'webhook' &&
      !(await endpointUsable(deps.database.db, property.id, node.endpoint_id))
    ) {
      throw at(`no enabled webhook endpoint ${node.endpoint_id} in this property`);
    }
    if (node.type === 'send') {
      let template;
      try {
        template = await getTemplate(deps, property, node.template_id);
      } catch (error) {
        if (error instanceof AppError && error.code === 'not_found') {
          throw at(`no template ${node.template_id} in this property`);
        }
        throw error;
      }
      contents.set(id, {
        template_id: template.id,
        version: template.version,
        channel: template.channel,
        subject: template.subject,
        body: template.body,
        text_body: template.text_body,
        game_ids: template.game_ids,
        stream_ids: template.stream_ids,
      });
    }
  }
  return contents;
}

/**
 * Publishes the draft as the next version: checked, frozen (each send step's template is copied
 * into a campaign of its own), and made live. Players already in an older version finish it.
 */
export async function publishJourney(deps: Deps, property: PropertyRef, id: string) {
  const draft = await found(deps, property, id);
  if (draft.status === 'archived')
    throw new AppError('conflict', 'An archived journey cannot be published');
  const graph = checkGraph(draft.draft);
  const contents = await checkForPublishing(deps, property, graph);
  const now = deps.clock.now();
  const row = await deps.database.db.transaction().execute(async (trx) => {
    const current = await locked(trx, property, id);
    if (current.status === 'archived')
      throw new AppError('conflict', 'An archived journey cannot be published');
    if (JSON.stringify(current.draft) !== JSON.stringify(draft.draft)) {
      throw new AppError('conflict', 'The journey changed while it was being published; try again');
    }
    const version = (current.version ?? 0) + 1;
    const campaigns: Record<string, string> = {};
    for (const [node, content] of contents) {
      const step = graph.nodes[node] as Extract<JourneyGraph['nodes'][string], { type: 'send' }>;
      campaigns[node] = await createTriggeredCampaign(
        trx,
        property.id,
        {
          name: `${current.name} · v${version} · ${node}`.slice(0, 200),
          channel: content.channel,
          purpose: step.purpose ?? 'marketing',
          content,
          program: step.program ?? null,
          subscription_group_id: null,
          from_name: step.from_name ?? null,
          from_address: step.from_address ?? null,
          reply_to: step.reply_to ?? null,
          link_ttl_hours: step.link_ttl_hours ?? 168,
          journey_id: current.id,
          journey_node: node,
        },
        now,
      );
    }
    await repo.insertVersion(trx, current.id, version, graph, campaigns, now);
    await listSegmentAtPublish(trx, current, graph, now);
    return repo.updateJourney(
      trx,
      property.id,
      current.id,
      {
        status: current.status === 'paused' ? 'paused' : 'active',
        version,
        trigger_type: graph.trigger.type,
        trigger_name:
          graph.trigger.type === 'event'
            ? graph.trigger.name
            : graph.trigger.type === 'segment_entered'
              ? graph.trigger.segment_id
              : null,
      },
      now,
    );
  });
  if (!row) throw journeyNotFound();
  return journeyView(row);
}

async function move(
  deps: Deps,
  property: PropertyRef,
  id: string,
  from: readonly JourneyStatus[],
  to: JourneyStatus,
) {
  const now = deps.clock.now();
  const row = await deps.database.db.transaction().execute(async (trx) => {
    const current = await locked(trx, property, id);
    if (!from.includes(current.status)) {
      throw new AppError('conflict', `A ${current.status} journey cannot be made ${to}`, {
        status: current.status,
      });
    }
    if (to === 'archived') {
      await repo.exitAllRuns(trx, current.id, 'journey archived', now);
      await closeTriggeredCampaigns(trx, current.id, now);
    }
    return repo.updateJourney(trx, property.id, current.id, { status: to }, now);
  });
  if (!row) throw journeyNotFound();
  return journeyView(row);
}

/** Pausing stops entries and holds every player where they are until the journey resumes. */
export const pauseJourney = (deps: Deps, property: PropertyRef, id: string) =>
  move(deps, property, id, ['active'], 'paused');
export const resumeJourney = (deps: Deps, property: PropertyRef, id: string) =>
  move(deps, property, id, ['paused'], 'active');
/** Archiving ends the journey: every player still in it exits. */
export const archiveJourney = (deps: Deps, property: PropertyRef, id: string) =>
  move(deps, property, id, ['draft', 'active', 'paused'], 'archived');

export async function journeyVersion(
  deps: Deps,
  property: PropertyRef,
  id: string,
  version: number,
) {
  const row = await found(deps, property, id);
  const published = await repo.findVersion(deps.database.db, row.id, version);
  if (!published) throw notFound('Version');
  return {
    version: published.version,
    graph: published.graph as JourneyGraph,
    published_at: published.published_at,
  };
}

type Counts = Record<'entered' | 'passed' | 'skipped' | 'exited' | 'failed' | 'waiting', number>;

/** Per-node counts over every version (a node keeps its id across versions). */
export async function journeyStats(deps: Deps, property: PropertyRef, id: string) {
  const row = await found(deps, property, id);
  const [steps, runs, versions] = await Promise.all([
    repo.stepCounts(deps.database.db, row.id),
    repo.waitingCounts(deps.database.db, row.id),
    repo.listVersions(deps.database.db, row.id),
  ]);
  const graphs = new Map<number, JourneyGraph>();
  for (const { version } of versions) {
    graphs.set(version, (await versionOf(deps, row.id, version)).graph);
  }
  const nodes: Record<string, Counts> = {};
  const of = (node: string) =>
    (nodes[node] ??= { entered: 0, passed: 0, skipped: 0, exited: 0, failed: 0, waiting: 0 });
  for (const count of steps) {
    const counts = of(count.node);
    counts[count.outcome === 'entered' ? 'entered' : count.outcome] += count.count;
    // A wait's arrival is its `entered` row; every other node is entered by the row it writes.
    const isWait = WAITS.has(graphs.get(count.version)?.nodes[count.node]?.type ?? '');
    if (!isWait && count.outcome !== 'entered') counts.entered += count.count;
  }
  const players: Record<JourneyRunStatus, number> = {
    active: 0,
    waiting: 0,
    completed: 0,
    exited: 0,
  };
  for (const count of runs) {
    players[count.status as JourneyRunStatus] += count.count;
    if (count.status === 'waiting') of(count.node).waiting += count.count;
  }
  return {
    entered: Object.values(players).reduce((sum, n) => sum + n, 0),
    ...players,
    nodes,
  };
}

export function runView(row: repo.RunRow) {
  return {
    id: row.id,
    journey_id: row.journey_id,
    version: row.version,
    player_id: row.player_id,
    status: row.status,
    node: row.node,
    steps: row.steps,
    wake_at: row.wake_at,
    waiting_for: row.waiting_for,
    exit_reason: row.exit_reason,
    entered_at: row.entered_at,
    finished_at: row.finished_at,
  };
}

export async function listRuns(
  deps: Deps,
  property: PropertyRef,
  id: string,
  query: {
    player_id?: string | undefined;
    status?: JourneyRunStatus | undefined;
    before?: string | undefined;
    limit?: number | undefined;
  },
) {
  const row = await found(deps, property, id);
  const limit = Math.min(query.limit ?? 50, MAX_PAGE);
  const playerId = query.player_id
    ? (await getPlayer(deps, property.id, query.player_id)).id
    : undefined;
  const rows = await repo.listRuns(deps.database.db, property.id, {
    journeyId: row.id,
    playerId,
    status: query.status,
    before: decodeCursor(query.before),
    limit,
  });
  const last = rows.at(-1);
  return {
    data: rows.map(runView),
    next_before:
      rows.length === limit && last ? encodeCursor({ at: last.entered_at, id: last.id }) : null,
  };
}

export async function getRun(deps: Deps, property: PropertyRef, id: string, runId: string) {
  const row = await found(deps, property, id);
  const run = UUID.test(runId)
    ? await deps.database.db
        .selectFrom('journey_runs')
        .selectAll()
        .where('property_id', '=', property.id)
        .where('journey_id', '=', row.id)
        .where('id', '=', runId.toLowerCase())
        .executeTakeFirst()
    : undefined;
  if (!run) throw notFound('Run');
  const steps = await repo.runSteps(deps.database.db, run.id);
  return { ...runView(run), history: steps };
}

/**
 * `POST /api/journeys/{id}/enter`: enters a player now, by the journey's entry rule; the
 * `entry_key` (default: one per call) makes a retried call enter once.
 */
export async function enterJourney(
  deps: Deps,
  property: PropertyRef,
  id: string,
  input: {
    player_id: string;
    entry_key?: string | undefined;
    data?: Record<string, unknown> | undefined;
  },
) {
  const row = await found(deps, property, id);
  if (row.status !== 'active' || row.version === null) {
    throw new AppError('conflict', 'Only an active journey takes players', { status: row.status });
  }
  const player = await getPlayer(deps, property.id, input.player_id);
  const { graph } = await versionOf(deps, row.id, row.version);
  const now = deps.clock.now();
  const rule = graph.entry?.rule ?? 'once';
  const entryKey = input.entry_key
    ? `api:${input.entry_key}`
    : rule === 'once'
      ? `once:${player.id}`
      : `api:${randomUUID()}`;
  const version = row.version;
  const runId = await deps.database.db.transaction().execute((trx) =>
    enter(trx, graph, {
      journeyId: row.id,
      version,
      propertyId: property.id,
      playerId: player.id,
      entryKey,
      context: { trigger: { ...(input.data ?? {}), name: 'api' } },
      at: now,
    }),
  );
  return { entered: runId !== undefined, run_id: runId ?? null };
}

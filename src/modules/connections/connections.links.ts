import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { requireOrgRole } from '../organizations/index.ts';
import type { Actor } from '../users/index.ts';
import { TRIGGER_EVENTS, type TriggerEvent } from '../webhooks/index.ts';
import * as repo from './connections.repo.ts';

// Links between an organization's streams and its connections: each link selects the triggers
// that fire the connection for that stream. Editors link (they run the streams); the connection
// itself, with its credentials, is an Admin's.

export type StreamLink = repo.LinkRow;

/**
 * The stream statuses a Viewer sees, as GET /api/streams/{id} shows them (streams.service.ts
 * VIEWER_STATUSES): a stream still being set up or retired is 404 to a Viewer here too.
 */
const PUBLISHED = new Set(['Scheduled', 'Active', 'Paused', 'Completed']);

const streamNotFound = () => new AppError('not_found', 'Stream not found');

function triggerList(triggers: readonly string[]): TriggerEvent[] {
  const known = TRIGGER_EVENTS.filter((trigger) => triggers.includes(trigger));
  if (known.length === 0 || known.length !== new Set(triggers).size) {
    throw new AppError(
      'validation_failed',
      `triggers must be one or more of ${TRIGGER_EVENTS.join(', ')}`,
      { field: 'triggers' },
    );
  }
  return known;
}

export async function listStreamConnections(
  deps: Deps,
  actor: Actor,
  orgId: number,
  streamId: number,
): Promise<StreamLink[]> {
  const { role } = await requireOrgRole(deps, actor, orgId, 'Viewer');
  const status = await repo.streamStatus(deps.database.db, orgId, streamId);
  if (!status || (role === 'Viewer' && !PUBLISHED.has(status))) throw streamNotFound();
  return repo.listStreamLinks(deps.database.db, orgId, streamId);
}

/** Links the connection to the stream with these triggers, or replaces the link's triggers. */
export async function linkConnection(
  deps: Deps,
  actor: Actor,
  orgId: number,
  streamId: number,
  connectionId: number,
  triggers: readonly string[],
): Promise<StreamLink> {
  await requireOrgRole(deps, actor, orgId, 'Editor');
  const list = triggerList(triggers);
  const db = deps.database.db;
  const link = await repo.upsertLink(db, orgId, streamId, connectionId, list, deps.clock.now());
  if (link) return link;
  if (!(await repo.streamStatus(db, orgId, streamId))) throw streamNotFound();
  throw new AppError('not_found', 'Connection not found');
}

export async function unlinkConnection(
  deps: Deps,
  actor: Actor,
  orgId: number,
  streamId: number,
  connectionId: number,
): Promise<void> {
  await requireOrgRole(deps, actor, orgId, 'Editor');
  if (!(await repo.deleteLink(deps.database.db, orgId, streamId, connectionId))) {
    throw new AppError('not_found', 'The connection is not linked to this stream');
  }
}

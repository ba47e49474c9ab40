import type { Deps } from '../../deps.ts';
import type { Actor } from '../users/index.ts';
import {
  getMessage,
  listMessages,
  replayMessage,
  resendFailed,
  type TargetRef,
} from '../webhooks/index.ts';
import { connectionFor } from './connections.service.ts';

// A connection's delivery log, over the shared log of src/modules/webhooks once the connection
// is found in the organization: every member reads it (as they read the connection), Editors
// send messages again (to where the Admin pointed the connection; nothing new is exposed).

async function target(
  deps: Deps,
  actor: Actor,
  orgId: number,
  id: number,
  role: 'Viewer' | 'Editor',
): Promise<TargetRef> {
  const connection = await connectionFor(deps, actor, orgId, id, role);
  return { kind: 'connection', id: connection.id };
}

export async function connectionMessages(
  deps: Deps,
  actor: Actor,
  orgId: number,
  id: number,
  query: Parameters<typeof listMessages>[2],
) {
  return listMessages(deps, await target(deps, actor, orgId, id, 'Viewer'), query);
}

export async function connectionMessage(
  deps: Deps,
  actor: Actor,
  orgId: number,
  id: number,
  messageId: string,
) {
  return getMessage(deps, await target(deps, actor, orgId, id, 'Viewer'), messageId);
}

export async function replayConnectionMessage(
  deps: Deps,
  actor: Actor,
  orgId: number,
  id: number,
  messageId: string,
) {
  return replayMessage(deps, await target(deps, actor, orgId, id, 'Editor'), messageId);
}

export async function resendConnectionFailures(
  deps: Deps,
  actor: Actor,
  orgId: number,
  id: number,
  since: Date,
) {
  return resendFailed(deps, await target(deps, actor, orgId, id, 'Editor'), since);
}

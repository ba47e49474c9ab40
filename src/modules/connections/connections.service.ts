import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { requireName, requireOrgRole, type Role } from '../organizations/index.ts';
import type { Actor } from '../users/index.ts';
import {
  newWebhookSecret,
  openConnectionSettings,
  splitCredentials,
  type ConnectionSettings,
} from '../webhooks/index.ts';
import * as repo from './connections.repo.ts';
import {
  checkSettings,
  isSignedProvider,
  providerOf,
  settingsOf,
  type SettingsInput,
  touchesSettings,
} from './connections.settings.ts';

// DailyPlay connections of an organization: the org-level outbound integrations that linked
// streams fire. Every member reads them; changing them takes an Admin, because a connection
// holds credentials and decides where player data is sent.

/** Connections one organization may have. */
export const MAX_CONNECTIONS_PER_ORG = 20;

export type Connection = repo.ConnectionRow;

const notFound = () => new AppError('not_found', 'Connection not found');

async function found(deps: Deps, orgId: number, id: number): Promise<Connection> {
  const connection = await repo.findConnection(deps.database.db, orgId, id);
  if (!connection) throw notFound();
  return connection;
}

/** The connection, for a member with at least `role` (another organization's is 404). */
export async function connectionFor(
  deps: Deps,
  actor: Actor,
  orgId: number,
  id: number,
  role: Role,
): Promise<Connection> {
  await requireOrgRole(deps, actor, orgId, role);
  return found(deps, orgId, id);
}

/** The stored form of settings: shown fields as JSON, credentials sealed (null when none). */
async function storedForm(deps: Deps, settings: ConnectionSettings) {
  const { shown, credentials } = splitCredentials(settings);
  // The provider is a column of its own.
  const { provider: _provider, ...fields } = shown;
  return {
    settings: fields,
    credentials: credentials ? await deps.secrets.seal(JSON.stringify(credentials)) : null,
  };
}

export async function listConnections(
  deps: Deps,
  actor: Actor,
  orgId: number,
): Promise<Connection[]> {
  await requireOrgRole(deps, actor, orgId, 'Viewer');
  return repo.listConnections(deps.database.db, orgId);
}

export const getConnection = (deps: Deps, actor: Actor, orgId: number, id: number) =>
  connectionFor(deps, actor, orgId, id, 'Viewer');

export interface CreateConnectionInput extends SettingsInput {
  name: string;
  provider: string;
}

/**
 * Creates a connection. Its signing secret is in the answer and never again; for Braze and
 * Segment, whose deliveries are not signed, none is shown (a secret is still kept, unused).
 */
export async function createConnection(
  deps: Deps,
  actor: Actor,
  orgId: number,
  input: CreateConnectionInput,
): Promise<{ connection: Connection; secret: string | null }> {
  await requireOrgRole(deps, actor, orgId, 'Admin');
  const name = requireName('name', input.name);
  const provider = providerOf(input.provider);
  const settings = settingsOf(provider, {}, input);
  await checkSettings(settings, {
    allowPrivateNetworks: deps.config.webhooksAllowPrivateNetworks,
  });
  const stored = await storedForm(deps, settings);
  const secret = newWebhookSecret();
  const sealedSecret = await deps.secrets.seal(secret);
  const now = deps.clock.now();
  const connection = await deps.database.db
    .transaction()
    .execute((trx) =>
      repo.insertConnection(
        trx,
        orgId,
        { name, provider, ...stored, secret: sealedSecret },
        MAX_CONNECTIONS_PER_ORG,
        now,
      ),
    );
  if (!connection) {
    throw new AppError(
      'quota_exceeded',
      `An organization may have at most ${MAX_CONNECTIONS_PER_ORG} connections`,
    );
  }
  return { connection, secret: isSignedProvider(provider) ? secret : null };
}

export interface UpdateConnectionInput extends SettingsInput {
  name?: string | undefined;
}

/**
 * Renames the connection and changes the settings sent; a credential is replaced only when
 * sent. The settings are checked whole, as they will be (an auth header name needs its value).
 */
export async function updateConnection(
  deps: Deps,
  actor: Actor,
  orgId: number,
  id: number,
  input: UpdateConnectionInput,
): Promise<Connection> {
  await requireOrgRole(deps, actor, orgId, 'Admin');
  const stored = await repo.storedSettings(deps.database.db, orgId, id);
  if (!stored) throw notFound();
  const patch: repo.ConnectionPatch = {};
  if (input.name !== undefined) patch.name = requireName('name', input.name);
  const changesSettings = touchesSettings(input);
  if (changesSettings) {
    const current = await openConnectionSettings(deps.secrets, stored);
    const settings = settingsOf(stored.provider, current, input);
    await checkSettings(settings, {
      allowPrivateNetworks: deps.config.webhooksAllowPrivateNetworks,
    });
    const next = await storedForm(deps, settings);
    patch.settings = JSON.stringify(next.settings);
    patch.credentials = next.credentials;
  }
  if (Object.keys(patch).length === 0) return found(deps, orgId, id);
  const updated = await repo.updateConnection(
    deps.database.db,
    orgId,
    id,
    patch,
    deps.clock.now(),
    changesSettings ? stored : undefined,
  );
  if (updated) return updated;
  await found(deps, orgId, id); // 404 when it was deleted meanwhile
  throw new AppError(
    'conflict',
    "The connection's settings were changed at the same time; read it again and retry",
  );
}

/**
 * Disables (deliveries stop; queued messages end as failed when their turn comes) or enables (a
 * new run of health: the failures before are forgotten) a connection.
 */
export async function setConnectionEnabled(
  deps: Deps,
  actor: Actor,
  orgId: number,
  id: number,
  enabled: boolean,
): Promise<Connection> {
  await requireOrgRole(deps, actor, orgId, 'Admin');
  const now = deps.clock.now();
  const patch: repo.ConnectionPatch = enabled
    ? { disabled_at: null, disabled_reason: null, failing_since: null }
    : { disabled_at: now, disabled_reason: 'manual' };
  const updated = await repo.updateConnection(deps.database.db, orgId, id, patch, now);
  if (!updated) throw notFound();
  return updated;
}

export async function deleteConnection(
  deps: Deps,
  actor: Actor,
  orgId: number,
  id: number,
): Promise<void> {
  await requireOrgRole(deps, actor, orgId, 'Admin');
  if (!(await repo.deleteConnection(deps.database.db, orgId, id))) throw notFound();
}

/**
 * A new signing secret (shown once); the old one keeps signing beside it for
 * WEBHOOK_ROTATION_OVERLAP_HOURS, so the receiver can switch without dropping a delivery. 409 for
 * Braze and Segment, whose deliveries are not signed.
 */
export async function rotateConnectionSecret(
  deps: Deps,
  actor: Actor,
  orgId: number,
  id: number,
): Promise<{ connection: Connection; secret: string }> {
  const connection = await connectionFor(deps, actor, orgId, id, 'Admin');
  if (!isSignedProvider(connection.provider)) {
    throw new AppError(
      'conflict',
      `A ${connection.provider} connection's deliveries are not signed: it authenticates with its API key`,
    );
  }
  const secret = newWebhookSecret();
  const now = deps.clock.now();
  const overlapMs = deps.config.webhookRotationOverlapHours * 3_600_000;
  const updated = await repo.rotateSecret(
    deps.database.db,
    orgId,
    id,
    await deps.secrets.seal(secret),
    overlapMs > 0 ? new Date(now.getTime() + overlapMs) : null,
    now,
  );
  if (!updated) throw notFound();
  return { connection: updated, secret };
}

import { randomUUID } from 'node:crypto';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { ianaTimeZone } from '../../lib/time-zone.ts';
import {
  findOrganization,
  requireName,
  requireOrgRole,
  type Role,
  roleAtLeast,
} from '../organizations/index.ts';
import type { PropertyScope } from '../property-keys/index.ts';
import type { Actor } from '../users/index.ts';
import {
  findPropertyForUser,
  insertProperty,
  listPropertiesOfUser,
  type PropertyRow,
  type PropertyUsage,
} from './properties.repo.ts';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/** A user's PlayerOS scopes follow their role in the property's organization. */
export function scopesForRole(role: Role): PropertyScope[] {
  switch (role) {
    case 'Owner':
    case 'Admin':
    case 'Editor':
      return ['read', 'write'];
    case 'Analyst':
    case 'Viewer':
      return ['read'];
  }
}

/**
 * Resolves the property a signed-in user selected with X-Property-Id. A property of an
 * organization the user does not belong to is answered exactly like a missing one (404).
 */
export async function resolveUserProperty(
  deps: Deps,
  actor: Actor,
  propertyId: string,
): Promise<{ id: string; orgId: number; role: Role; scopes: PropertyScope[] }> {
  if (!isUuid(propertyId)) {
    throw new AppError('bad_request', 'X-Property-Id header must be a property id (a UUID)');
  }
  const found = await findPropertyForUser(deps.database, propertyId.toLowerCase(), actor.userId);
  if (!found) throw new AppError('not_found', 'Property not found');
  return { id: found.id, orgId: found.org_id, role: found.role, scopes: scopesForRole(found.role) };
}

/** Canonical IANA name of a time zone ("europe/paris" → "Europe/Paris"), or a 400. */
export function requireTimezone(value: string): string {
  const zone = ianaTimeZone(value);
  if (zone === undefined) {
    throw new AppError(
      'validation_failed',
      'timezone must be an IANA time zone such as America/New_York',
    );
  }
  return zone;
}

export interface CreatePropertyInput {
  orgId: number;
  name: string;
  timezone?: string | undefined;
}

/**
 * Creates a property in an organization (Admin or higher). Without an actor the caller is
 * trusted tooling (CLI, seed) acting for the organization.
 */
export async function createProperty(
  deps: Deps,
  actor: Actor | undefined,
  input: CreatePropertyInput,
): Promise<PropertyRow> {
  const org = actor
    ? (await requireOrgRole(deps, actor, input.orgId, 'Admin')).org
    : await findOrganization(deps.database.db, input.orgId);
  if (!org) throw new AppError('not_found', 'Organization not found');
  return insertProperty(deps.database.db, {
    id: randomUUID(),
    org_id: org.id,
    name: requireName('name', input.name),
    timezone: requireTimezone(input.timezone ?? 'UTC'),
  });
}

/**
 * The properties of every organization the actor belongs to (optionally one), with their role
 * and each property's storage usage.
 */
export async function listProperties(
  deps: Deps,
  actor: Actor,
  orgId?: number,
): Promise<(PropertyRow & { role: Role; usage: PropertyUsage })[]> {
  return listPropertiesOfUser(deps.database.db, actor.userId, orgId);
}

/**
 * Checks the actor's role in the organization owning a property. A property of an organization
 * the actor does not belong to is answered like a missing one: 404 with `notFoundMessage`.
 */
export async function requirePropertyRole(
  deps: Deps,
  actor: Actor,
  propertyId: string,
  minimum: Role,
  notFoundMessage = 'Property not found',
): Promise<{ id: string; orgId: number; role: Role }> {
  const found = isUuid(propertyId)
    ? await findPropertyForUser(deps.database, propertyId.toLowerCase(), actor.userId)
    : undefined;
  if (!found) throw new AppError('not_found', notFoundMessage);
  if (!roleAtLeast(found.role, minimum)) {
    throw new AppError('forbidden', `This action requires the ${minimum} role or higher`);
  }
  return { id: found.id, orgId: found.org_id, role: found.role };
}

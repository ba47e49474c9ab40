import { randomBytes } from 'node:crypto';
import type { PlanTier } from '../src/config.ts';
import { createApiKey } from '../src/modules/api-keys/index.ts';
import { createGame } from '../src/modules/games/index.ts';
import {
  addMember,
  createOrganization,
  type OrganizationRow,
  type Role,
  setPlanTier,
} from '../src/modules/organizations/index.ts';
import { createProperty, type PropertyRow } from '../src/modules/properties/index.ts';
import { createPropertyKey, type PropertyScope } from '../src/modules/property-keys/index.ts';
import { createStream } from '../src/modules/streams/index.ts';
import { createUser, login } from '../src/modules/users/index.ts';
import type { Harness } from './harness.ts';

export const unique = (prefix: string) => `${prefix}-${randomBytes(5).toString('hex')}`;

export interface TestUser {
  id: number;
  email: string;
  password: string;
  token: string;
  auth: { authorization: string };
}

export async function makeUser(
  h: Harness,
  orgId?: number,
  role: Role = 'Owner',
): Promise<TestUser> {
  const email = `${unique('user')}@example.test`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const user = await createUser(h.deps, { email, password });
  if (orgId !== undefined) await addMember(h.deps, orgId, user.id, role);
  const { token } = await login(h.deps, { email, password });
  return { id: user.id, email, password, token, auth: { authorization: `Bearer ${token}` } };
}

export interface Tenant {
  org: OrganizationRow;
  owner: TestUser;
  gameIds: [number, number];
  streamId: number;
  /** A stream holding only the second game. */
  otherStreamId: number;
  key: string;
  keyId: number;
  keyHeaders: { 'x-api-key': string };
}

/**
 * A fresh organization with an Owner, two games, two streams and an unrestricted key, made
 * through the services: every test gets its own tenant, so files can share one database.
 */
export async function makeTenant(
  h: Harness,
  options: { tier?: PlanTier; perMinute?: number; perDay?: number } = {},
): Promise<Tenant> {
  const org = await createOrganization(h.deps, {
    name: unique('Org'),
    slug: unique('org'),
    planTier: 'Business',
  });
  const owner = await makeUser(h, org.id, 'Owner');
  const first = await createGame(h.deps, org.id, { title: 'Spin' });
  const second = await createGame(h.deps, org.id, { title: 'Match' });
  const stream = await createStream(h.deps, org.id, {
    name: unique('Stream'),
    gameIds: [first.id, second.id],
  });
  const other = await createStream(h.deps, org.id, { name: unique('Other'), gameIds: [second.id] });
  const key = await createApiKey(h.deps, undefined, org.id, {
    name: 'Test key',
    rate_limit_per_minute: options.perMinute ?? 10_000,
    rate_limit_per_day: options.perDay ?? 1_000_000,
  });
  // Keys are only issued to organizations on the API tier; downgrade afterwards when asked.
  const finalOrg =
    options.tier && options.tier !== 'Business'
      ? await setPlanTier(h.deps, org.id, options.tier)
      : org;
  return {
    org: finalOrg,
    owner,
    gameIds: [first.id, second.id],
    streamId: stream.id,
    otherStreamId: other.id,
    key: key.key,
    keyId: key.id,
    keyHeaders: { 'x-api-key': key.key },
  };
}

export interface PropertyTenant {
  org: OrganizationRow;
  owner: TestUser;
  property: PropertyRow;
  /** A pk_ key of the property with the read and write scopes. */
  key: string;
  keyId: string;
  keyHeaders: { 'x-api-key': string };
  /** The owner's bearer token with X-Property-Id set to this property. */
  userHeaders: { authorization: string; 'x-property-id': string };
}

/** A fresh organization with an Owner, one property and a read+write pk_ key, via the services. */
export async function makePropertyTenant(
  h: Harness,
  options: { perMinute?: number; scopes?: PropertyScope[] } = {},
): Promise<PropertyTenant> {
  const org = await createOrganization(h.deps, { name: unique('Casino'), slug: unique('casino') });
  const owner = await makeUser(h, org.id, 'Owner');
  const property = await createProperty(h.deps, undefined, {
    orgId: org.id,
    name: unique('Property'),
  });
  const key = await createPropertyKey(h.deps, undefined, {
    propertyId: property.id,
    name: 'Test key',
    scopes: options.scopes ?? ['read', 'write'],
    rateLimitPerMinute: options.perMinute ?? 10_000,
  });
  return {
    org,
    owner,
    property,
    key: key.key,
    keyId: key.id,
    keyHeaders: { 'x-api-key': key.key },
    userHeaders: { ...owner.auth, 'x-property-id': property.id },
  };
}

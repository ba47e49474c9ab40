import { createApiKey } from '../../src/modules/api-keys/index.ts';
import { addMember } from '../../src/modules/organizations/index.ts';
import { createPropertyKey } from '../../src/modules/property-keys/index.ts';
import { makeUser, type PropertyTenant, type Tenant, type TestUser, unique } from '../factories.ts';
import type { Harness } from '../harness.ts';
import { recordSecrets } from './figures.ts';
import { MALFORMED_CREDENTIALS } from './fuzz-http.ts';
import { request } from './load.ts';

/** Rate limits of the fuzzer's keys: high enough that 429 stays the exception. */
export const LIMITS = { perMinute: 1_000_000, perDay: 100_000_000 };

export interface Credentials {
  /** Headers of each credential role; valid ones are replaced if the fuzzer disables them. */
  readonly headers: Map<string, Record<string, string>>;
  /** Checks every valid credential and issues a new one where the fuzzer broke it. */
  readonly repair: () => Promise<string[]>;
}

/**
 * The credential behind each role the cases name: the tenants' tokens and keys (`…B` are the
 * other tenants'), a token to log out with, and malformed ones.
 */
export function makeCredentials(
  h: Harness,
  url: string,
  tenants: { a: Tenant; b: Tenant; pa: PropertyTenant; pb: PropertyTenant; throwaway: TestUser },
): Credentials {
  const { a, b, pa, pb, throwaway } = tenants;
  const credentials = new Map<string, Record<string, string>>([
    ['none', {}],
    ['dpOwner', a.owner.auth],
    ['dpOwnerB', b.owner.auth],
    ['dpKey', a.keyHeaders],
    ['dpKeyB', b.keyHeaders],
    ['pk', pa.keyHeaders],
    ['pkB', pb.keyHeaders],
    ['propOwner', pa.userHeaders],
    ['propOwnerNoHeader', pa.owner.auth],
    ['propOwnerForeign', { ...pa.owner.auth, 'x-property-id': pb.property.id }],
    ['propOwnerBadHeader', { ...pa.owner.auth, 'x-property-id': 'not-a-uuid' }],
    ['throwaway', throwaway.auth],
    ...MALFORMED_CREDENTIALS.map((headers, i) => [`malformed:${i}`, { ...headers }] as const),
  ]);

  /** A request each valid role must pass, and how to issue a replacement. */
  const checks: [string, string, () => Promise<void>][] = [
    [
      'dpOwner',
      `/api/org-api-keys?org_id=${a.org.id}`,
      async () => {
        const owner = await makeUser(h, a.org.id, 'Owner');
        await addMember(h.deps, pa.org.id, owner.id, 'Owner');
        recordSecrets(owner.password);
        credentials.set('dpOwner', owner.auth);
      },
    ],
    [
      'dpOwnerB',
      `/api/org-api-keys?org_id=${b.org.id}`,
      async () => {
        const owner = await makeUser(h, b.org.id, 'Owner');
        recordSecrets(owner.password);
        credentials.set('dpOwnerB', owner.auth);
      },
    ],
    [
      'dpKey',
      '/api/org-api-keys?action=list-sessions&limit=1',
      async () => {
        const key = await createApiKey(h.deps, undefined, a.org.id, {
          name: unique('Fuzz'),
          rate_limit_per_minute: LIMITS.perMinute,
          rate_limit_per_day: LIMITS.perDay,
        });
        credentials.set('dpKey', { 'x-api-key': key.key });
      },
    ],
    [
      'dpKeyB',
      '/api/org-api-keys?action=list-sessions&limit=1',
      async () => {
        const key = await createApiKey(h.deps, undefined, b.org.id, {
          name: unique('Fuzz'),
          rate_limit_per_minute: LIMITS.perMinute,
          rate_limit_per_day: LIMITS.perDay,
        });
        credentials.set('dpKeyB', { 'x-api-key': key.key });
      },
    ],
    [
      'pk',
      '/api/players?limit=1',
      async () => {
        const key = await createPropertyKey(h.deps, undefined, {
          propertyId: pa.property.id,
          name: unique('Fuzz'),
          scopes: ['read', 'write'],
          rateLimitPerMinute: 100_000,
        });
        credentials.set('pk', { 'x-api-key': key.key });
      },
    ],
    [
      'pkB',
      '/api/players?limit=1',
      async () => {
        const key = await createPropertyKey(h.deps, undefined, {
          propertyId: pb.property.id,
          name: unique('Fuzz'),
          scopes: ['read', 'write'],
          rateLimitPerMinute: 100_000,
        });
        credentials.set('pkB', { 'x-api-key': key.key });
      },
    ],
    [
      'propOwner',
      '/api/players?limit=1',
      async () => {
        const owner = await makeUser(h, pa.org.id, 'Owner');
        recordSecrets(owner.password);
        credentials.set('propOwner', { ...owner.auth, 'x-property-id': pa.property.id });
        credentials.set('propOwnerNoHeader', owner.auth);
        credentials.set('propOwnerForeign', { ...owner.auth, 'x-property-id': pb.property.id });
        credentials.set('propOwnerBadHeader', { ...owner.auth, 'x-property-id': 'not-a-uuid' });
      },
    ],
  ];

  return {
    headers: credentials,
    repair: async () => {
      const repaired: string[] = [];
      for (const [role, path, reissue] of checks) {
        const answer = await request(`${url}${path}`, { headers: credentials.get(role) ?? {} });
        if (answer.status !== 200) {
          await reissue();
          repaired.push(`${role} (${answer.status})`);
        }
      }
      return repaired;
    },
  };
}

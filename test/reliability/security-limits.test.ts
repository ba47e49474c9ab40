import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTemplate } from '../../src/modules/content/index.ts';
// Not in the module's index (only its routes create campaigns); the case needs one to test-send.
import { createCampaign } from '../../src/modules/campaigns/campaigns.service.ts';
import { addMember, createOrganization } from '../../src/modules/organizations/index.ts';
import { makePropertyTenant, makeUser, type TestUser, unique } from '../factories.ts';
import type { Harness } from '../harness.ts';
import { recordFigure, recordSecrets } from './figures.ts';
import { roundRobin } from './fleet-helpers.ts';
import type { Answer } from './load.ts';
import {
  type DocOperation,
  isEnvelope4xx,
  liveOperations,
  operationsOf,
  send,
  sendJson,
  sleep,
  sources,
  tally,
} from './security-http.ts';
import { openSeeder } from './seeder.ts';
import { type ServerProcess, startFleet } from './server.ts';

/**
 * Section 8, class "concurrency on limits": every throttled authentication route, fired with
 * 2–3 times its limit at once across the three processes of a fleet, admits exactly the limit.
 * A limit that checks before the slow work and counts after it (the bug of issue 9 item 4)
 * admits every request that arrives before the first failure is counted.
 *
 * Which routes are throttled is read from openapi.json: an operation naming a `THROTTLE_*`
 * setting, or a public `auth.*` operation documenting 429, must have a case below (or the
 * coverage test fails), and every setting the document names must be exercised by one.
 */
const SECTION = '8. Security classes';
const WINDOW_S = 3600;
const LIMITS = {
  THROTTLE_LOGIN_PER_IP: 10,
  THROTTLE_LOGIN_PER_ACCOUNT: 5,
  THROTTLE_LOGIN_PER_ACCOUNT_TOTAL: 8,
  THROTTLE_RESET_PER_IP: 6,
  THROTTLE_RESET_PER_ACCOUNT: 3,
  THROTTLE_SIGNUP_PER_IP: 5,
  THROTTLE_SIGNUP_PER_ACCOUNT: 3,
  THROTTLE_INVITES_PER_ORG: 8,
  THROTTLE_INVITES_PER_USER: 5,
  THROTTLE_ORGS_PER_USER: 4,
  THROTTLE_AUDIENCE_PREVIEWS: 4,
  THROTTLE_SMS_REFUSALS_PER_IP: 6,
  THROTTLE_TEST_SENDS: 4,
} as const;
/** Limits fixed in the code (no setting), each per minute. */
const FIXED_LIMITS = {
  'bad campaign links per address (30 a minute, campaigns.tracking.routes.ts)': 30,
} as const;
type Setting = keyof typeof LIMITS | keyof typeof FIXED_LIMITS;
const limitOf = (setting: Setting): number =>
  setting in LIMITS
    ? LIMITS[setting as keyof typeof LIMITS]
    : FIXED_LIMITS[setting as keyof typeof FIXED_LIMITS];

let h: Harness;
let fleet: ServerProcess[];
let next: () => string;

const figure = (name: string, value: string | number, expected?: string) =>
  recordFigure({ section: SECTION, name, value, ...(expected ? { expected } : {}) });

beforeAll(async () => {
  h = await openSeeder('security-limits');
  const env: Record<string, string> = { USER_RATE_LIMIT_PER_MINUTE: '1000000' };
  for (const [name, limit] of Object.entries(LIMITS)) env[name] = `${limit}/${WINDOW_S}`;
  fleet = await startFleet(3, 'security-limits', env);
  next = roundRobin(fleet);
});

afterAll(async () => {
  await Promise.all((fleet ?? []).map((server) => server.kill()));
  await h?.close();
});

const email = (label: string) => `${unique(label)}@example.test`;
const password = () => `pw-${randomBytes(8).toString('hex')}`;

/** Windows are aligned to the clock: waits for the next one when fewer than 20 s are left. */
async function ensureWindowLeft(windowSeconds = WINDOW_S): Promise<void> {
  const left = windowSeconds * 1000 - (Date.now() % (windowSeconds * 1000));
  if (left < 20_000) await sleep(left + 50);
}

/** All of `tasks` at once, each to the next process of the fleet. */
function burst(tasks: readonly ((base: string) => Promise<Answer>)[]): Promise<Answer[]> {
  return Promise.all(tasks.map((task) => task(next())));
}

interface LimitCase {
  readonly name: string;
  /** The operations it exercises (operationId) and the settings whose limit it checks. */
  readonly operations: readonly string[];
  readonly setting: Setting;
  /** Sent one after the other rather than at once (a limit that is, by design, only exact so). */
  readonly sequential?: boolean;
  /** The status every admitted request must get, when the case knows it. */
  readonly admittedStatus?: number;
  /** The limit's window when it is not WINDOW_S (a fixed limit's: a minute). */
  readonly windowSeconds?: number;
  readonly run: () => Promise<Answer[]>;
}

async function member(orgId: number, role: 'Owner' | 'Admin'): Promise<TestUser> {
  const user = await makeUser(h, orgId, role);
  recordSecrets(user.password, user.token);
  return user;
}

async function newOrg(): Promise<number> {
  const org = await createOrganization(h.deps, {
    name: unique('Limits'),
    slug: unique('limits'),
    planTier: 'Business',
  });
  return org.id;
}

const CASES: readonly LimitCase[] = [
  {
    name: 'login from one address, 30 different accounts',
    operations: ['auth.login'],
    setting: 'THROTTLE_LOGIN_PER_IP',
    run: () => {
      const [from] = sources(21, 1);
      return burst(
        Array.from(
          { length: 30 },
          () => (base) =>
            sendJson(
              `${base}/api/auth/login`,
              { email: email('nobody'), password: password() },
              { from: from! },
            ),
        ),
      );
    },
  },
  {
    name: 'wrong passwords for one account from one address',
    operations: ['auth.login'],
    setting: 'THROTTLE_LOGIN_PER_ACCOUNT',
    run: async () => {
      const user = await makeUser(h);
      recordSecrets(user.password, user.token);
      const [from] = sources(22, 1);
      // 15 attempts: the per-IP limit (10) refuses 5 first; the account limit must admit 5.
      return burst(
        Array.from(
          { length: 15 },
          () => (base) =>
            sendJson(
              `${base}/api/auth/login`,
              { email: user.email, password: password() },
              { from: from! },
            ),
        ),
      );
    },
  },
  {
    name: 'wrong passwords for one account from 24 addresses',
    operations: ['auth.login'],
    setting: 'THROTTLE_LOGIN_PER_ACCOUNT_TOTAL',
    run: async () => {
      const user = await makeUser(h);
      recordSecrets(user.password, user.token);
      return burst(
        sources(23, 24).map(
          (from) => (base) =>
            sendJson(
              `${base}/api/auth/login`,
              { email: user.email, password: password() },
              { from },
            ),
        ),
      );
    },
  },
  {
    name: 'password change with a wrong current password, one login token',
    operations: ['auth.changePassword'],
    setting: 'THROTTLE_LOGIN_PER_ACCOUNT',
    run: async () => {
      const user = await makeUser(h);
      recordSecrets(user.password, user.token);
      const [from] = sources(24, 1);
      return burst(
        Array.from(
          { length: 15 },
          () => (base) =>
            sendJson(
              `${base}/api/auth/password`,
              { current_password: password(), new_password: password() },
              { from: from!, headers: user.auth },
            ),
        ),
      );
    },
  },
  {
    name: 'password reset requests from one address, 18 different emails',
    operations: ['auth.requestPasswordReset'],
    setting: 'THROTTLE_RESET_PER_IP',
    run: () => {
      const [from] = sources(25, 1);
      return burst(
        Array.from(
          { length: 18 },
          () => (base) =>
            sendJson(`${base}/api/auth/password-reset`, { email: email('reset') }, { from: from! }),
        ),
      );
    },
  },
  {
    name: 'password reset requests for one email from 9 addresses',
    operations: ['auth.requestPasswordReset'],
    setting: 'THROTTLE_RESET_PER_ACCOUNT',
    run: async () => {
      const user = await makeUser(h);
      recordSecrets(user.password, user.token);
      return burst(
        sources(26, 9).map(
          (from) => (base) =>
            sendJson(`${base}/api/auth/password-reset`, { email: user.email }, { from }),
        ),
      );
    },
  },
  {
    name: 'password reset confirmations with unknown tokens from one address',
    operations: ['auth.confirmPasswordReset'],
    setting: 'THROTTLE_RESET_PER_IP',
    run: () => {
      const [from] = sources(27, 1);
      return burst(
        Array.from(
          { length: 18 },
          () => (base) =>
            sendJson(
              `${base}/api/auth/password-reset/confirm`,
              { token: randomBytes(32).toString('base64url'), new_password: password() },
              { from: from! },
            ),
        ),
      );
    },
  },
  {
    name: 'sign-ups from one address',
    operations: ['auth.signup'],
    setting: 'THROTTLE_SIGNUP_PER_IP',
    run: () => {
      const [from] = sources(28, 1);
      return burst(
        Array.from({ length: 15 }, () => (base) => {
          const secret = password();
          recordSecrets(secret);
          return sendJson(
            `${base}/api/auth/signup`,
            { email: email('signup'), password: secret },
            { from: from! },
          );
        }),
      );
    },
  },
  {
    name: 'sign-ups of one email from 9 addresses',
    operations: ['auth.signup'],
    setting: 'THROTTLE_SIGNUP_PER_ACCOUNT',
    run: () => {
      const address = email('signup-same');
      return burst(
        sources(29, 9).map((from) => (base) => {
          const secret = password();
          recordSecrets(secret);
          return sendJson(
            `${base}/api/auth/signup`,
            { email: address, password: secret },
            { from },
          );
        }),
      );
    },
  },
  {
    name: 'email verifications with unknown tokens from one address',
    operations: ['auth.verifyEmail'],
    setting: 'THROTTLE_SIGNUP_PER_IP',
    run: () => {
      const [from] = sources(30, 1);
      return burst(
        Array.from(
          { length: 15 },
          () => (base) =>
            sendJson(
              `${base}/api/auth/verify-email`,
              { token: randomBytes(32).toString('base64url'), password: password() },
              { from: from! },
            ),
        ),
      );
    },
  },
  {
    name: 'invitations by one Owner',
    operations: ['invitations.create'],
    setting: 'THROTTLE_INVITES_PER_USER',
    run: async () => {
      const orgId = await newOrg();
      const owner = await member(orgId, 'Owner');
      return burst(
        Array.from(
          { length: 15 },
          () => (base) =>
            sendJson(
              `${base}/api/organizations/${orgId}/invitations`,
              { email: email('invitee'), role: 'Viewer' },
              { headers: owner.auth },
            ),
        ),
      );
    },
  },
  {
    name: 'invitations of one organization by 3 inviters (4 each, under their own limit)',
    operations: ['invitations.create'],
    setting: 'THROTTLE_INVITES_PER_ORG',
    run: async () => {
      const orgId = await newOrg();
      const inviters = [await member(orgId, 'Owner')];
      for (let i = 0; i < 2; i++) {
        const admin = await makeUser(h);
        recordSecrets(admin.password, admin.token);
        await addMember(h.deps, orgId, admin.id, 'Admin');
        inviters.push(admin);
      }
      return burst(
        inviters.flatMap((inviter) =>
          Array.from(
            { length: 4 },
            () => (base: string) =>
              sendJson(
                `${base}/api/organizations/${orgId}/invitations`,
                { email: email('invitee'), role: 'Viewer' },
                { headers: inviter.auth },
              ),
          ),
        ),
      );
    },
  },
  {
    name: 'organizations created by one user',
    operations: ['organizations.create'],
    setting: 'THROTTLE_ORGS_PER_USER',
    run: async () => {
      const creator = await makeUser(h);
      recordSecrets(creator.password, creator.token);
      return burst(
        Array.from(
          { length: 12 },
          () => (base) =>
            sendJson(
              `${base}/api/organizations`,
              { name: unique('Created') },
              { headers: creator.auth },
            ),
        ),
      );
    },
  },
  {
    name: 'audience previews of one property by one key',
    operations: ['segments.previewAudience'],
    setting: 'THROTTLE_AUDIENCE_PREVIEWS',
    admittedStatus: 200,
    run: async () => {
      const tenant = await makePropertyTenant(h, { scopes: ['read'] });
      recordSecrets(tenant.key, tenant.owner.password, tenant.owner.token);
      return burst(
        Array.from(
          { length: 12 },
          () => (base) =>
            sendJson(
              `${base}/api/functions/audience-preview`,
              { audience: { type: 'all' }, channel: 'sms', purpose: 'marketing' },
              { headers: tenant.keyHeaders },
            ),
        ),
      );
    },
  },
  {
    // One after the other, not at once: the allowance of refused inbound SMS is peeked and
    // counted on failure (withFailureLimit), so that a carrier's signed burst never meets a 429;
    // concurrent refusals may overshoot it by their number in flight, by design. In sequence
    // the limit must hold exactly.
    name: 'unsigned inbound SMS from one address',
    operations: ['compliance.inboundSms'],
    setting: 'THROTTLE_SMS_REFUSALS_PER_IP',
    sequential: true,
    admittedStatus: 403,
    run: async () => {
      const [from] = sources(31, 1);
      const answers: Answer[] = [];
      for (let i = 0; i < 15; i++) {
        answers.push(
          await send(`${next()}/api/sms/inbound/${unique('property')}`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({
              From: '+15005550006',
              To: '+15005550001',
              Body: 'STOP',
              MessageSid: `SM${randomBytes(16).toString('hex')}`,
            }).toString(),
            from: from!,
          }),
        );
      }
      return answers;
    },
  },
  {
    // Refused status callbacks share the inbound SMS allowance (one counter per address), and
    // are counted on failure in the same way: in sequence.
    name: 'unsigned SMS status callbacks from one address',
    operations: ['campaigns.smsStatus'],
    setting: 'THROTTLE_SMS_REFUSALS_PER_IP',
    sequential: true,
    admittedStatus: 403,
    run: async () => {
      const [from] = sources(32, 1);
      const answers: Answer[] = [];
      for (let i = 0; i < 15; i++) {
        answers.push(
          await send(`${next()}/api/sms/status/${randomUUID()}?ref=${randomUUID()}`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({
              MessageSid: `SM${randomBytes(16).toString('hex')}`,
              MessageStatus: 'delivered',
            }).toString(),
            from: from!,
          }),
        );
      }
      return answers;
    },
  },
  {
    name: 'test sends of one property by one key',
    operations: ['campaigns.test'],
    setting: 'THROTTLE_TEST_SENDS',
    admittedStatus: 200,
    run: async () => {
      const tenant = await makePropertyTenant(h, { scopes: ['read', 'write'] });
      recordSecrets(tenant.key, tenant.owner.password, tenant.owner.token);
      const property = { id: tenant.property.id, orgId: tenant.org.id };
      // SMS, with no sender configured for the property: stored nowhere, sent nowhere (none).
      const template = await createTemplate(h.deps, property, {
        name: unique('Limits'),
        channel: 'sms',
        body: 'Hi {{ player.first_name }}',
      });
      const campaign = await createCampaign(h.deps, property, {
        name: unique('Limits'),
        channel: 'sms',
        template_id: template.id,
        audience: { type: 'all' },
      });
      return burst(
        Array.from(
          { length: 12 },
          () => (base) =>
            sendJson(
              `${base}/api/functions/test-campaign`,
              { campaign_id: campaign.id, to: ['+12125550123'] },
              { headers: tenant.keyHeaders },
            ),
        ),
      );
    },
  },
  {
    // Counted on failure like refused SMS (a recipient's good link never meets a 429): in
    // sequence. Malformed codes and unknown well-formed ones count alike.
    name: 'unknown short links from one address',
    operations: ['links.short'],
    setting: 'bad campaign links per address (30 a minute, campaigns.tracking.routes.ts)',
    sequential: true,
    windowSeconds: 60,
    admittedStatus: 404,
    run: async () => {
      const [from] = sources(33, 1);
      const answers: Answer[] = [];
      for (let i = 0; i < 45; i++) {
        const code = randomBytes(16).toString('hex').slice(0, 10);
        answers.push(await send(`${next()}/l/${code}`, { method: 'GET', from: from! }));
      }
      return answers;
    },
  },
];

/** Operations the document shows as throttled: named settings, or public auth routes with 429. */
function throttledIn(ops: readonly DocOperation[]): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const op of ops) {
    const settings = [...new Set(op.description.match(/THROTTLE_[A-Z_]+/g) ?? [])];
    const documents429 = op.responses.includes('429') || /throttl/i.test(op.description);
    const publicAuth = op.id.startsWith('auth.') && op.security.length === 0;
    if (settings.length > 0 || (publicAuth && documents429)) found.set(op.id, settings);
  }
  return found;
}

function committed(): DocOperation[] {
  const file = join(import.meta.dirname, '..', '..', 'openapi.json');
  return operationsOf(JSON.parse(readFileSync(file, 'utf8')));
}

describe('security class: concurrency on limits', () => {
  it('has a case for every throttled operation and every THROTTLE_* setting the document names', async () => {
    const live = await liveOperations(fleet[0]!.url);
    const doc = [...committed(), ...live];
    const throttled = throttledIn(doc);
    // auth.changePassword and invitations.create may document their limits in words only.
    const covered = new Set(CASES.flatMap((c) => c.operations));
    const exercised = new Set<string>(CASES.map((c) => c.setting));
    const uncovered = [...throttled.keys()].filter((id) => !covered.has(id)).sort();
    const unexercised = [...new Set([...throttled.values()].flat())]
      .filter((setting) => !exercised.has(setting))
      .sort();
    const known = new Set(doc.map((op) => op.id));
    const stale = [...covered].filter((id) => !known.has(id));
    figure(
      'limits: throttled operations in the document (live and committed)',
      [...throttled.keys()].sort().join(', '),
    );
    figure('limits: throttled operations without a concurrency case', uncovered.length, '0');
    figure(
      'limits: THROTTLE_* settings named in the document and not exercised',
      unexercised.join(', ') || 'none',
      'none',
    );
    expect(uncovered, 'throttled operations with no case in security-limits.test.ts').toEqual([]);
    expect(unexercised, 'settings with no case in security-limits.test.ts').toEqual([]);
    expect(stale, 'cases naming operations the document does not have').toEqual([]);
  });

  for (const limitCase of CASES) {
    const limit = limitOf(limitCase.setting);
    const how = limitCase.sequential
      ? 'sent one after the other across 3 processes'
      : 'sent at once across 3 processes';
    it(`admits exactly ${limit} (${limitCase.setting}) of ${limitCase.name}, ${how}`, async () => {
      await ensureWindowLeft(limitCase.windowSeconds);
      const started = performance.now();
      const answers = await limitCase.run();
      const ms = performance.now() - started;
      const admitted = answers.filter((a) => a.status !== 429);
      const refused = answers.filter((a) => a.status === 429);
      const failed = answers.filter((a) => a.status === 0 || a.status >= 500);
      figure(
        `limits: ${limitCase.operations.join(', ')} — ${limitCase.name} (${limitCase.setting} = ${limit}): sent / admitted / 429`,
        `${answers.length} / ${admitted.length} / ${refused.length} in ${Math.round(ms)} ms`,
        `admitted = ${limit}`,
      );
      expect(failed.map((a) => `${a.status} ${a.body.slice(0, 120)}`)).toEqual([]);
      expect(refused.every(isEnvelope4xx)).toBe(true);
      expect(admitted.length, `answers: ${JSON.stringify(tally(answers))}`).toBe(limit);
      if (limitCase.admittedStatus !== undefined) {
        expect(admitted.map((a) => a.status)).toEqual(admitted.map(() => limitCase.admittedStatus));
      }
    });
  }
});

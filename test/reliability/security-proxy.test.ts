import { randomBytes, randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTenant, type Tenant, unique } from '../factories.ts';
import type { Harness } from '../harness.ts';
import { recordFigure, recordSecrets } from './figures.ts';
import type { Answer } from './load.ts';
import { send, sendJson, sleep, sources, tally } from './security-http.ts';
import { openSeeder } from './seeder.ts';
import { type ServerProcess, serverEnv, spawnLogged, startServer } from './server.ts';

/**
 * Section 8, class "proxy trust": per-IP limits key on the address the server can trust.
 * - `TRUST_PROXY=1` (one proxy in front): the client is the entry the proxy appended, the last
 *   one; entries the client wrote itself in front of it change nothing.
 * - `TRUST_PROXY=<list>`: only a socket from a listed address may speak for a client.
 * - unset: X-Forwarded-For is ignored; the socket address is the client.
 * - `TRUST_PROXY=true` (every client picks its own address) is refused at start.
 * The suite's own client plays the proxy: it connects from 127.0.0.1 and writes the header
 * a proxy would write, `<whatever the client sent>, <the client's real address>`.
 */
const SECTION = '8. Security classes';
const LIMIT = 5;
const THROTTLES = {
  THROTTLE_LOGIN_PER_IP: `${LIMIT}/3600`,
  THROTTLE_SIGNUP_PER_IP: `${LIMIT}/3600`,
  THROTTLE_LOGIN_PER_ACCOUNT: '1000/3600',
  THROTTLE_LOGIN_PER_ACCOUNT_TOTAL: '1000/3600',
};

let h: Harness;
let hop: ServerProcess;
let listed: ServerProcess | undefined;
let direct: ServerProcess;
let tenant: Tenant;

const figure = (name: string, value: string | number, expected?: string) =>
  recordFigure({ section: SECTION, name, value, ...(expected ? { expected } : {}) });

beforeAll(async () => {
  h = await openSeeder('security-proxy');
  tenant = await makeTenant(h);
  recordSecrets(tenant.owner.password, tenant.owner.token);
  [hop, direct] = await Promise.all([
    startServer('security-proxy-hop', { env: { ...THROTTLES, TRUST_PROXY: '1' } }),
    startServer('security-proxy-unset', { env: { ...THROTTLES, TRUST_PROXY: '' } }),
  ]);
});

afterAll(async () => {
  const started: (ServerProcess | undefined)[] = [hop, listed, direct];
  await Promise.all(started.map((server) => server?.kill() ?? Promise.resolve()));
  await h?.close();
});

/** A public address (TEST-NET and documentation ranges excluded) nobody in this run owns. */
const randomIp = () =>
  `${randomInt(11, 99)}.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
const uniqueRealIp = () => `198.51.${randomInt(100, 255)}.${randomInt(1, 255)}`;

const login = (base: string, headers: Record<string, string>, from?: string) =>
  sendJson(
    `${base}/api/auth/login`,
    { email: `${unique('nobody')}@example.test`, password: 'not-the-password' },
    { headers, ...(from ? { from } : {}) },
  );

const signup = (base: string, headers: Record<string, string>, from?: string) => {
  const secret = `pw-${randomBytes(8).toString('hex')}`;
  recordSecrets(secret);
  return sendJson(
    `${base}/api/auth/signup`,
    { email: `${unique('proxy')}@example.test`, password: secret },
    { headers, ...(from ? { from } : {}) },
  );
};

const admitted = (answers: readonly Answer[]) => answers.filter((a) => a.status !== 429).length;
const failures = (answers: readonly Answer[]) =>
  answers.filter((a) => a.status === 0 || a.status >= 500).map((a) => `${a.status} ${a.body}`);

describe('security class: proxy trust', () => {
  it('refuses to start with TRUST_PROXY=true, saying why', async () => {
    const env = serverEnv({ TRUST_PROXY: 'true', PORT: '0', HOST: '127.0.0.1' });
    const { child, logFile, logged } = spawnLogged('security-proxy-true', ['src/main.ts'], env);
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    const code = await Promise.race([exited, sleep(30_000).then(() => 'running' as const)]);
    if (code === 'running') child.kill('SIGKILL');
    await logged;
    const log = readFileSync(logFile, 'utf8');
    const said = /TRUST_PROXY/.test(log);
    figure(
      'proxy: TRUST_PROXY=true at start',
      code === 'running' ? 'started (listening 30 s later)' : `exit ${code}`,
      'refused: exit ≠ 0, message names TRUST_PROXY',
    );
    expect(code).not.toBe('running');
    expect(code).not.toBe(0);
    expect(said, `the log should name TRUST_PROXY:\n${log.slice(-2000)}`).toBe(true);
  });

  it('keeps the per-IP login and sign-up limits with TRUST_PROXY=1 whatever the client puts in front', async () => {
    const realLogin = uniqueRealIp();
    const realSignup = uniqueRealIp();
    const logins = await Promise.all(
      Array.from({ length: 4 * LIMIT }, () =>
        login(hop.url, { 'x-forwarded-for': `${randomIp()}, ${realLogin}` }),
      ),
    );
    const signups = await Promise.all(
      Array.from({ length: 3 * LIMIT }, () =>
        signup(hop.url, { 'x-forwarded-for': `${randomIp()}, ${randomIp()}, ${realSignup}` }),
      ),
    );
    // Control: each real client behind the proxy has its own allowance (the hop is honoured).
    const clients = Array.from({ length: 3 }, uniqueRealIp);
    const control = await Promise.all(
      clients.flatMap((ip) =>
        Array.from({ length: LIMIT }, () => login(hop.url, { 'x-forwarded-for': ip })),
      ),
    );
    figure(
      `proxy: TRUST_PROXY=1, ${logins.length} logins with spoofed leading X-Forwarded-For entries: admitted`,
      admitted(logins),
      `= ${LIMIT}`,
    );
    figure(
      `proxy: TRUST_PROXY=1, ${signups.length} sign-ups with spoofed entries: admitted`,
      admitted(signups),
      `= ${LIMIT}`,
    );
    figure(
      `proxy: TRUST_PROXY=1, 3 real clients × ${LIMIT} logins: admitted`,
      admitted(control),
      `= ${3 * LIMIT}`,
    );
    expect([...failures(logins), ...failures(signups), ...failures(control)]).toEqual([]);
    expect(admitted(logins), JSON.stringify(tally(logins))).toBe(LIMIT);
    expect(admitted(signups), JSON.stringify(tally(signups))).toBe(LIMIT);
    expect(admitted(control), JSON.stringify(tally(control))).toBe(3 * LIMIT);
  });

  it('keys on the socket address when the socket is not a listed proxy (TRUST_PROXY=127.0.0.1)', async () => {
    // Started here: a list is refused at start by a server that only knows true/false.
    listed = await startServer('security-proxy-list', {
      env: { ...THROTTLES, TRUST_PROXY: '127.0.0.1' },
    });
    const base = listed.url;
    const [untrusted] = sources(31, 1);
    const logins = await Promise.all(
      Array.from({ length: 4 * LIMIT }, () =>
        login(base, { 'x-forwarded-for': `${randomIp()}, ${randomIp()}` }, untrusted),
      ),
    );
    // Control: from the listed proxy the last entry is the client.
    const real = uniqueRealIp();
    const viaProxy = await Promise.all(
      Array.from({ length: 2 * LIMIT }, () =>
        login(base, { 'x-forwarded-for': `${randomIp()}, ${real}` }),
      ),
    );
    figure(
      `proxy: TRUST_PROXY=127.0.0.1, ${logins.length} spoofed logins from an unlisted socket: admitted`,
      admitted(logins),
      `= ${LIMIT}`,
    );
    figure(
      `proxy: TRUST_PROXY=127.0.0.1, ${viaProxy.length} logins of one client via the listed proxy: admitted`,
      admitted(viaProxy),
      `= ${LIMIT}`,
    );
    expect([...failures(logins), ...failures(viaProxy)]).toEqual([]);
    expect(admitted(logins), JSON.stringify(tally(logins))).toBe(LIMIT);
    expect(admitted(viaProxy), JSON.stringify(tally(viaProxy))).toBe(LIMIT);
  });

  it('ignores X-Forwarded-For entirely when TRUST_PROXY is unset', async () => {
    const [socketA, socketB] = sources(32, 2);
    const spoofed = await Promise.all(
      Array.from({ length: 4 * LIMIT }, () =>
        login(direct.url, { 'x-forwarded-for': randomIp() }, socketA),
      ),
    );
    // Control: another socket address is another client, whatever its header says.
    const other = await Promise.all(
      Array.from({ length: LIMIT }, () => login(direct.url, { 'x-forwarded-for': '' }, socketB)),
    );
    figure(
      `proxy: TRUST_PROXY unset, ${spoofed.length} logins with random X-Forwarded-For from one socket: admitted`,
      admitted(spoofed),
      `= ${LIMIT}`,
    );
    expect([...failures(spoofed), ...failures(other)]).toEqual([]);
    expect(admitted(spoofed), JSON.stringify(tally(spoofed))).toBe(LIMIT);
    expect(admitted(other), JSON.stringify(tally(other))).toBe(LIMIT);
  });

  it('records the trusted client address in the API key audit trail, not the spoofed one', async () => {
    const spoofed = '6.6.6.6';
    const real = uniqueRealIp();
    const created = await sendJson(
      `${hop.url}/api/org-api-keys?action=create-session`,
      { game_id: tenant.gameIds[0] },
      { headers: { ...tenant.keyHeaders, 'x-forwarded-for': `${spoofed}, ${real}` } },
    );
    expect(created.status).toBe(200);
    // The usage recorder writes in batches (about once a second): poll for the row.
    let ips: (string | null)[] = [];
    for (let i = 0; i < 40 && ips.length === 0; i++) {
      const usage = await send(
        `${hop.url}/api/org-api-keys/usage?org_id=${tenant.org.id}&key_id=${tenant.keyId}`,
        { headers: tenant.owner.auth },
      );
      expect(usage.status).toBe(200);
      ips = (JSON.parse(usage.body) as { data: { client_ip: string | null }[] }).data.map(
        (row) => row.client_ip,
      );
      if (ips.length === 0) await sleep(250);
    }
    figure(
      'proxy: audit trail client_ip of a key request through one proxy with a spoofed entry',
      ips
        .map((ip) => (ip === real ? 'the real client' : ip === spoofed ? 'the SPOOFED one' : ip))
        .join(', '),
      'the real client',
    );
    expect(ips).toEqual([real]);
  });
});

import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  makePropertyTenant,
  makeTenant,
  type PropertyTenant,
  type Tenant,
  unique,
} from '../../../test/factories.ts';
import { PlayLoop } from '../src/index.ts';
import { EMAIL_BODY, playerRow, useSdkServer } from './server.ts';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const server = useSdkServer();
let t: PropertyTenant;
let dp: Tenant;
let pl: PlayLoop;

beforeAll(async () => {
  t = await makePropertyTenant(server.h);
  dp = await makeTenant(server.h);
  pl = new PlayLoop({ apiKey: t.key, baseUrl: server.base });
  await pl.players.batch(Array.from({ length: 30 }, (_, i) => playerRow(i + 1)));
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node src/cli.ts …` as a user would, with the keys and URL in its environment. */
function playloop(args: string[], env: Record<string, string> = {}, cli = CLI): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      {
        env: {
          PATH: process.env['PATH'] ?? '',
          PLAYLOOP_URL: server.base,
          PLAYLOOP_API_KEY: t.key,
          PLAYLOOP_DAILYPLAY_KEY: dp.key,
          ...env,
        },
        timeout: 20_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('the playloop command', () => {
  it('prints a page of players as a table with the total', async () => {
    const run = await playloop(['players', 'list', '--limit', '25']);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^PLAYER_ID\s+NAME\s+EMAIL\s+TIER\s+STATUS\s+ADT\s+COIN_IN\s+ID$/);
    expect(lines.filter((line) => /^1000\d\d\s/.test(line))).toHaveLength(25);
    expect(lines.at(-1)).toBe('Players 1–25 of 30');

    const gold = await playloop([
      'players',
      'list',
      '--q',
      'gold',
      '--limit',
      '3',
      '--offset',
      '3',
    ]);
    expect(gold.stdout.trimEnd().split('\n').at(-1)).toBe('Players 4–6 of 10');

    const json = await playloop(['players', 'list', '--filter', 'player_id.eq=100007', '--json']);
    const page = JSON.parse(json.stdout) as { data: { first_name: string }[]; totalCount: number };
    expect([page.data.map((p) => p.first_name), page.totalCount]).toEqual([['Ann7'], 1]);
  });

  it('prints one player', async () => {
    const run = await playloop(['players', 'get', '100002']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^email\s+ann2@example\.com$/m);
  });

  it('creates a session and prints a play link that validates through the API', async () => {
    const run = await playloop([
      'sessions',
      'create',
      '--game',
      String(dp.gameIds[0]),
      '--ref',
      'crm-42',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const link = new URL(run.stdout.split('\n')[0] ?? '');
    const token = link.searchParams.get('session_token') ?? link.pathname.split('/').at(-1) ?? '';
    expect(run.stdout).toContain(`token    ${token}`);
    const status = await pl.sessions.validate(token);
    expect(status).toMatchObject({ valid: true, game_id: dp.gameIds[0], external_ref: 'crm-42' });
    // The link opens the play page on the server.
    const page = await fetch(new URL(`${link.pathname}${link.search}`, server.base));
    expect(page.status).toBe(200);

    const shown = await playloop(['sessions', 'status', token]);
    expect(shown.stdout).toMatch(/^valid\s+true$/m);
    expect(shown.stdout).toMatch(/^status\s+active$/m);
  });

  it('sends a campaign with an idempotency key, and a repeat sends nothing again', async () => {
    await server.h.inject({
      method: 'PATCH',
      url: '/api/functions/compliance-settings',
      headers: t.keyHeaders,
      payload: { postal_address: '1 Casino Way, Las Vegas NV' },
    });
    const template = await pl.content.create({
      name: unique('T'),
      channel: 'email',
      subject: 'News',
      body: EMAIL_BODY,
    });
    const campaign = await pl.campaigns.create({
      name: unique('C'),
      channel: 'email',
      template_id: template.id,
      purpose: 'transactional',
      audience: { type: 'players', player_ids: ['100001'] },
    });
    const first = await playloop(['campaigns', 'send', campaign.id, '--idempotency-key', 'k-1']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`Campaign ${campaign.id}`);
    expect(first.stdout).toContain('sending');
    const again = await playloop(['campaigns', 'send', campaign.id, '--idempotency-key', 'k-1']);
    expect(again.stdout).toBe(first.stdout);
    const unkeyed = await playloop(['campaigns', 'send', campaign.id]);
    expect([unkeyed.code, unkeyed.stderr]).toEqual([1, expect.stringContaining('409 conflict')]);
  });

  it('explains usage, and reports refusals with the status and code', async () => {
    const help = await playloop(['--help']);
    expect([help.code, help.stdout]).toEqual([0, expect.stringContaining('playloop players list')]);
    const unknown = await playloop(['players', 'dance']);
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining('Unknown command')]);
    const bad = await playloop(['players', 'list'], { PLAYLOOP_API_KEY: `pk_${'0'.repeat(40)}` });
    expect([bad.code, bad.stderr]).toEqual([1, expect.stringMatching(/error 401 unauthorized/)]);
    const missing = await playloop(['players', 'get', 'nobody-here']);
    expect([missing.code, missing.stderr]).toEqual([1, expect.stringContaining('404 not_found')]);
  });

  it('works the same when compiled for publishing (tsc to dist, the package bin)', async () => {
    const out = await mkdtemp(join(tmpdir(), 'playloop-sdk-'));
    try {
      const tsc = fileURLToPath(
        new URL('../../../node_modules/typescript/bin/tsc', import.meta.url),
      );
      const project = fileURLToPath(new URL('../tsconfig.build.json', import.meta.url));
      const built = await new Promise<Run>((resolve) => {
        execFile(process.execPath, [tsc, '-p', project, '--outDir', out], (error, stdout, stderr) =>
          resolve({ code: error ? 1 : 0, stdout, stderr }),
        );
      });
      expect(built.code, built.stdout + built.stderr).toBe(0);
      const run = await playloop(['players', 'list', '--limit', '5'], {}, join(out, 'cli.js'));
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('Players 1–5 of 30');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 60_000);
});

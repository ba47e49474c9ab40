import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliJson } from './cli.ts';

let dataDir: string;
const cli = (commandLine: string) => runCli(dataDir, commandLine);
const cliJson = <T>(commandLine: string) => runCliJson<T>(dataDir, commandLine);

const suffix = () => randomBytes(5).toString('hex');

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'playloop-cli-'));
});

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('cli', () => {
  it('creates an organization, a member, a game, a stream and an API key', async () => {
    const slug = `cli-${suffix()}`;
    const org = await cliJson<{ id: number; slug: string; plan_tier: string }>(
      `org create --name CLI-Brand --slug ${slug} --tier Business`,
    );
    expect(org).toMatchObject({ slug, plan_tier: 'Business' });

    const email = `cli-${suffix()}@example.test`;
    const user = await cliJson<{ id: number; email: string; membership: unknown }>(
      `user create --email ${email} --password correct-horse --org ${org.id} --role Admin`,
    );
    expect(user).toMatchObject({ email, membership: { org_id: org.id, role: 'Admin' } });
    expect(user).not.toHaveProperty('password_hash');

    const game = await cliJson<{ id: number; org_id: number; status: string }>(
      `game create --org ${org.id} --title Spin --status Active`,
    );
    expect(game).toMatchObject({ org_id: org.id, status: 'Active' });

    const stream = await cliJson<{ id: number; game_ids: number[] }>(
      `stream create --org ${org.id} --name Summer --slug summer-${suffix()} --games ${game.id}`,
    );
    expect(stream.game_ids).toEqual([game.id]);

    const key = await cliJson<Record<string, unknown>>(
      `key create --org ${org.id} --name Server --games ${game.id} --streams ${stream.id} ` +
        '--per-minute 30 --per-day 500',
    );
    expect(key.key).toMatch(/^dpk_[0-9a-f]{40}$/);
    expect(key).toMatchObject({
      org_id: org.id,
      key_prefix: (key.key as string).slice(0, 8),
      allowed_game_ids: [game.id],
      allowed_stream_ids: [stream.id],
      rate_limit_per_minute: 30,
      rate_limit_per_day: 500,
    });
    expect(key).not.toHaveProperty('key_hash');
  }, 90_000);

  it('creates a property in an organization, with its time zone', async () => {
    const org = await cliJson<{ id: number }>(
      `org create --name CLI-Casino --slug cli-casino-${suffix()}`,
    );
    const property = await cliJson<Record<string, unknown>>(
      `property create --org ${org.id} --name Riverside --timezone america/new_york`,
    );
    expect(property).toMatchObject({
      org_id: org.id,
      name: 'Riverside',
      timezone: 'America/New_York',
    });
    expect(property.id).toMatch(/^[0-9a-f-]{36}$/);

    const text = await cli(`property create --org ${org.id} --name Harbor`);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^created property [0-9a-f-]{36} "Harbor" \(UTC\) in organization/);

    const missing = await cli('property create --org 2147483647 --name Nowhere');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('error: Organization not found\n');
  }, 60_000);

  it('prints a service error to stderr and exits 2', async () => {
    const result = await cli('game create --org 2147483647 --title Orphan --json');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('error: Organization not found\n');
    expect(result.stdout).toBe('');
  }, 30_000);

  it('refuses a malformed integer argument with exit code 2 and a message', async () => {
    const result = await cli('key create --org 1 --name k --per-minute lots');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--per-minute must be a whole number');
    expect(result.stderr).toContain('Usage:');
  });

  it('refuses an unknown command with exit code 2 and the usage text', async () => {
    const result = await cli('org explode');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "org explode"');
    expect(result.stderr).toContain('Usage:');
  });
});

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOrgGames } from '../src/modules/games/index.ts';
import { createOrganization } from '../src/modules/organizations/index.ts';
import { runCliJson } from './cli.ts';
import { runCliHere } from './cli-inprocess.ts';
import { createHarness, type Harness } from './harness.ts';

let dataDir: string;
let filesDir: string;
// Each case runs in this process through the CLI's own command runner (test/cli-inprocess.ts):
// a process per call cost most of this file's time. One case below runs real processes.
const words = (args: string | readonly string[]) =>
  typeof args === 'string' ? args.split(/\s+/) : args;
const cli = (args: string | readonly string[]) => runCliHere(h, words(args));
async function cliJson<T>(commandLine: string): Promise<T> {
  const result = await cli(`${commandLine} --json`);
  if (result.code !== 0)
    throw new Error(`cli ${commandLine} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

interface Game {
  id: number;
  org_id: number;
  title: string;
  template: string;
  status: string;
  config: Record<string, unknown>;
  prize_enabled: boolean;
}
interface Slot {
  name: string;
  type: string;
  win_chance: number;
  quantity: number | null;
  external_url: string | null;
}

async function newOrg(): Promise<number> {
  const slug = `cli-game-${randomBytes(5).toString('hex')}`;
  return (await cliJson<{ id: number }>(`org create --name CLI-Games --slug ${slug}`)).id;
}

/** The refusal cases run in this process (test/cli-inprocess.ts), on the harness's database. */
let h: Harness;
async function newOrgHere(): Promise<number> {
  const slug = `cli-game-${randomBytes(5).toString('hex')}`;
  return (await createOrganization(h.deps, { name: 'CLI-Games', slug })).id;
}

const gamesOf = (orgId: number) => cliJson<Game[]>(`game list --org ${orgId}`);

/** Writes `content` to a file and returns its path relative to the CLI's working directory. */
function file(name: string, content: string): string {
  const path = join(filesDir, name);
  writeFileSync(path, content);
  return relative(process.cwd(), path);
}

const PRIZES = [
  { name: 'Free coffee', type: 'item', win_chance: 30, quantity: 50 },
  { name: 'Shop', type: 'external_link', win_chance: 20, external_url: 'https://shop.example' },
  { name: 'Try again', type: 'no_prize', win_chance: 40 },
];

beforeAll(async () => {
  h = await createHarness();
  dataDir = mkdtempSync(join(tmpdir(), 'playloop-cli-game-'));
  filesDir = mkdtempSync(join(tmpdir(), 'playloop-cli-game-files-'));
});

afterAll(async () => {
  await h.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(filesDir, { recursive: true, force: true });
});

describe('cli game create', () => {
  it('creates a game from the chosen template with its configuration and prizes', async () => {
    const orgId = await newOrg();
    const config = { pairs: 8, duration_s: 90, primary_color: '#0ea5e9' };
    const created = await cli([
      'game',
      'create',
      '--org',
      String(orgId),
      '--title',
      'Summer Match',
      '--template',
      'Memory-Match',
      '--config',
      `@${file('memory.json', JSON.stringify(config))}`,
      '--prizes',
      JSON.stringify(PRIZES),
      '--json',
    ]);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const game = JSON.parse(created.stdout) as Game & { prizes: Slot[]; prize_warnings: string[] };
    expect(game).toMatchObject({
      org_id: orgId,
      title: 'Summer Match',
      template: 'memory-match',
      status: 'Active',
      config,
      prize_enabled: true,
    });
    expect(game.prizes.map((slot) => [slot.name, slot.type, slot.win_chance])).toEqual([
      ['Free coffee', 'item', 30],
      ['Shop', 'external_link', 20],
      ['Try again', 'no_prize', 40],
    ]);
    expect(game.prizes[0]?.quantity).toBe(50);
    expect(game.prizes[1]?.external_url).toBe('https://shop.example');
    expect(game.prize_warnings).toEqual([
      'Win chances add up to 90%, not 100%; the draw uses them as relative weights',
    ]);

    // Read back from the database by another process.
    const [stored] = await gamesOf(orgId);
    expect(stored).toMatchObject({ id: game.id, template: 'memory-match', config });
  }, 60_000);

  it('takes the prize list as the HTTP body shape too, and prints what it made', async () => {
    const orgId = await newOrg();
    const result = await cli([
      ...['game', 'create', '--org', String(orgId), '--title', 'Tap', '--template', 'quick-tap'],
      ...['--config', '{"duration_s":20}', '--status', 'Draft'],
      ...['--prizes', `@${file('slots.json', JSON.stringify({ slots: PRIZES.slice(0, 1) }))}`],
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^created game \d+ "Tap" \(quick-tap, Draft\) in organization \d+\n {2}config: \{"duration_s":20\}\n {2}1 prize slot\(s\): Free coffee \(item, 30%\)\n {2}warning: Win chances add up to 30%/,
    );

    const list = await cli(`game list --org ${orgId}`);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ID +TITLE +TEMPLATE +STATUS\n\d+ +Tap +quick-tap +Draft\n$/);
  }, 60_000);

  it('defaults to a spin wheel with no settings and no prizes (as a real process)', async () => {
    const org = await runCliJson<{ id: number }>(
      dataDir,
      `org create --name CLI-Games --slug cli-game-${randomBytes(5).toString('hex')}`,
    );
    const game = await runCliJson<Game>(dataDir, `game create --org ${org.id} --title Wheel`);
    expect(game).toMatchObject({ template: 'spin-wheel', config: {}, prize_enabled: false });
    expect(game).not.toHaveProperty('prizes');
  }, 60_000);

  it('refuses an unknown template with exit code 2, listing the valid ones', async () => {
    const result = await cli('game create --org 1 --title T --template pinball');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'error: --template must be one of spin-wheel, memory-match, quick-tap, scratch-card, grid-box-reveal, got "pinball"',
    );
    expect(result.stdout).toBe('');
  });

  it('refuses a bad configuration with exit code 2 and creates nothing', async () => {
    const orgId = await newOrgHere();
    const base = ['game', 'create', '--org', String(orgId), '--title', 'Bad'];
    const cases: [string[], string][] = [
      [['--config', '{"pairs":'], '--config is not valid JSON: '],
      [['--config', '@missing-config.json'], '--config @missing-config.json: cannot read '],
      [['--config', '[1,2]'], '--config: config must be object'],
      [['--template', 'quick-tap', '--config', '{"pairs":4}'], 'config has unknown key(s)'],
      [['--template', 'memory-match', '--config', '{"pairs":40}'], 'config.pairs must be <= 12'],
      [['--config', '{"primary_color":"red"}'], 'config.primary_color must be a color'],
      [['--config', '{"intro_text":"a\\u0000b"}'], 'config.intro_text must not contain NUL'],
    ];
    for (const [args, message] of cases) {
      const result = await runCliHere(h, [...base, ...args]);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr).toContain(message);
      expect(result.stdout).toBe('');
    }
    expect(await listOrgGames(h.deps, orgId)).toEqual([]);
  });

  it('refuses a bad prize list with exit code 2 and creates no game', async () => {
    const orgId = await newOrgHere();
    const base = ['game', 'create', '--org', String(orgId), '--title', 'Bad prizes'];
    const slot = { name: 'A', type: 'item', win_chance: 50 };
    const cases: [unknown, string][] = [
      [{ name: 'A' }, '--prizes must be a JSON list of prize slots'],
      [[{ ...slot, win_chance: 0 }], '--prizes: slots[0].win_chance must be >= 1'],
      [[{ name: 'A', win_chance: 5 }], "--prizes: slots[0] must have required property 'type'"],
      [[slot, { ...slot, type: 'external_link' }], 'slots[1].external_url must be an http'],
      [[{ ...slot, type: 'voucher_set', voucher_set_id: 2_147_483_647 }], 'is not a voucher set'],
    ];
    for (const [prizes, message] of cases) {
      const result = await runCliHere(h, [...base, '--prizes', JSON.stringify(prizes)]);
      expect({ prizes, code: result.code }).toEqual({ prizes, code: 2 });
      expect(result.stderr).toContain(message);
    }
    expect(await listOrgGames(h.deps, orgId)).toEqual([]);
  });

  it('refuses an organization that does not exist, before checking the prizes', async () => {
    const prizes = JSON.stringify([{ name: 'A', type: 'item', win_chance: 50 }]);
    const create = await cli([
      'game',
      'create',
      '--org',
      '2147483647',
      '--title',
      'X',
      '--prizes',
      prizes,
    ]);
    expect(create.code).toBe(2);
    expect(create.stderr).toBe('error: Organization not found\n');
    const list = await cli('game list --org 2147483647');
    expect(list.code).toBe(2);
    expect(list.stderr).toBe('error: Organization not found\n');
  }, 60_000);
});

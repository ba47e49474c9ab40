#!/usr/bin/env node
/**
 * The `playloop` command: a few everyday calls of the SDK from a shell. Keys come from the
 * environment (PLAYLOOP_API_KEY pk_…, PLAYLOOP_DAILYPLAY_KEY dpk_…), the server from
 * PLAYLOOP_URL or --url. Exit status: 0 done, 1 the API refused or could not be reached,
 * 2 a usage mistake.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PlayLoop, VERSION } from './client.ts';
import { PlayLoopError } from './http.ts';
import type { Player } from './types.ts';

const HELP = `playloop ${VERSION}: the PlayLoop API from a shell

Usage:
  playloop players list [--limit 25] [--offset 0] [--q gold] [--filter status.eq=active]…
                        [--order created_at.desc] [--json]
  playloop players get <id|player_id> [--json]
  playloop sessions create (--game <id> | --stream <id>) [--ref crm-42] [--minutes 60] [--json]
  playloop sessions status <token> [--json]
  playloop campaigns send <campaign id> [--idempotency-key <key>] [--json]

Options:
  --url <url>   the server (default PLAYLOOP_URL, else http://localhost:3000)
  --json        print the API's data as JSON instead of text
  -h, --help    this text

Environment:
  PLAYLOOP_API_KEY        PlayerOS key (pk_…): players, campaigns
  PLAYLOOP_DAILYPLAY_KEY  DailyPlay key (dpk_…): sessions
  PLAYLOOP_URL            the server's base URL
  PLAYLOOP_PROPERTY_ID    the pk_ key's property (campaign sends; read from the players if unset)
`;

class UsageError extends Error {}

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

const PLAYER_COLUMNS: [string, (p: Player) => unknown][] = [
  ['PLAYER_ID', (p) => p.player_id],
  ['NAME', (p) => [p.first_name, p.last_name].filter(Boolean).join(' ')],
  ['EMAIL', (p) => p.email],
  ['TIER', (p) => p.tier],
  ['STATUS', (p) => p.status],
  ['ADT', (p) => p.adt],
  ['COIN_IN', (p) => p.coin_in],
  ['ID', (p) => p.id],
];

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? '';
}

/** Left-aligned columns, as wide as their longest cell. */
export function table(headers: string[], rows: unknown[][]): string {
  const cells = [headers, ...rows.map((row) => row.map(cellText))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  return cells
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : (cell ?? '').padEnd(widths[i] ?? 0)))
        .join('  '),
    )
    .join('\n');
}

function integer(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} takes a whole number, not "${value}"`);
  return Number(value);
}

function one(positionals: string[], what: string): string {
  const [value, ...rest] = positionals;
  if (value === undefined) throw new UsageError(`Missing the ${what}`);
  if (rest.length > 0) throw new UsageError(`Unexpected arguments: ${rest.join(' ')}`);
  return value;
}

export async function run(argv: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
        json: { type: 'boolean' },
        url: { type: 'string' },
        limit: { type: 'string' },
        offset: { type: 'string' },
        q: { type: 'string' },
        filter: { type: 'string', multiple: true },
        order: { type: 'string' },
        game: { type: 'string' },
        stream: { type: 'string' },
        ref: { type: 'string' },
        minutes: { type: 'string' },
        'idempotency-key': { type: 'string' },
      },
    });
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  if (v.version) {
    io.out(VERSION);
    return 0;
  }
  const [resource, action, ...rest] = positionals;
  if (v.help || resource === undefined || resource === 'help') {
    io.out(HELP);
    return 0;
  }
  const client = new PlayLoop({ baseUrl: v.url });
  const print = (data: unknown, text: () => string) =>
    io.out(v.json ? JSON.stringify(data, null, 2) : text());

  try {
    const command = `${resource} ${action ?? ''}`.trim();
    switch (command) {
      case 'players list': {
        if (rest.length > 0) throw new UsageError(`Unexpected arguments: ${rest.join(' ')}`);
        const limit = integer(v.limit, 'limit') ?? 25;
        const offset = integer(v.offset, 'offset') ?? 0;
        const page = await client.players.list({
          limit,
          offset,
          ...(v.q === undefined ? {} : { q: v.q }),
          ...(v.filter === undefined ? {} : { filter: v.filter }),
          ...(v.order === undefined ? {} : { order: v.order }),
        });
        print(page, () => {
          const rows = page.data.map((p) => PLAYER_COLUMNS.map(([, cell]) => cell(p)));
          const total =
            page.totalCount === null
              ? 'an uncounted number of'
              : `${page.countType === 'planned' ? 'about ' : ''}${page.totalCount}`;
          const range =
            page.data.length === 0 ? 'none' : `${offset + 1}–${offset + page.data.length}`;
          return `${table(
            PLAYER_COLUMNS.map(([h]) => h),
            rows,
          )}\n\nPlayers ${range} of ${total}`;
        });
        return 0;
      }
      case 'players get': {
        const player = await client.players.get(one(rest, 'player id'));
        print(player, () =>
          table(
            ['FIELD', 'VALUE'],
            Object.entries(player).map(([k, value]) => [
              k,
              typeof value === 'object' && value !== null ? JSON.stringify(value) : value,
            ]),
          ),
        );
        return 0;
      }
      case 'sessions create': {
        if (rest.length > 0) throw new UsageError(`Unexpected arguments: ${rest.join(' ')}`);
        const game = integer(v.game, 'game');
        const stream = integer(v.stream, 'stream');
        if ((game === undefined) === (stream === undefined)) {
          throw new UsageError('Give one of --game <id> or --stream <id>');
        }
        const minutes = integer(v.minutes, 'minutes');
        const session = await client.sessions.create({
          ...(game === undefined ? {} : { game_id: game }),
          ...(stream === undefined ? {} : { stream_id: stream }),
          ...(v.ref === undefined ? {} : { external_ref: v.ref }),
          ...(minutes === undefined ? {} : { expires_in_minutes: minutes }),
        });
        print(session, () =>
          [
            session.play_url,
            '',
            `token    ${session.token}`,
            `expires  ${session.expires_at}`,
            ...(session.external_ref === undefined ? [] : [`ref      ${session.external_ref}`]),
          ].join('\n'),
        );
        return 0;
      }
      case 'sessions status': {
        const status = await client.sessions.validate(one(rest, 'session token'));
        print(status, () =>
          table(
            ['FIELD', 'VALUE'],
            Object.entries(status).map(([k, value]) => [
              k,
              typeof value === 'object' && value !== null ? JSON.stringify(value) : value,
            ]),
          ),
        );
        return 0;
      }
      case 'campaigns send': {
        const id = one(rest, 'campaign id');
        const campaign = await client.campaigns.get(id);
        const key = v['idempotency-key'];
        const options = key === undefined ? {} : { idempotencyKey: key };
        const sent =
          campaign.channel === 'email'
            ? await client.campaigns.sendEmail(id, options)
            : await client.campaigns.sendSms(id, options);
        print(sent, () => `Campaign ${sent.id} (${sent.name}, ${sent.channel}): ${sent.status}`);
        return 0;
      }
      default:
        throw new UsageError(`Unknown command: ${command}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n\n${HELP}`);
      return 2;
    }
    if (error instanceof PlayLoopError) {
      const where = error.status === 0 ? '' : ` ${error.status}`;
      const field =
        typeof error.details['field'] === 'string' ? ` (${error.details['field']})` : '';
      io.err(`playloop: error${where} ${error.code}: ${error.message}${field}`);
      return 1;
    }
    throw error;
  }
}

// Run when executed (node src/cli.ts, or the installed bin through its symlink), not when a
// test imports it.
const entry = process.argv[1];
if (entry !== undefined && realpathSync(entry) === fileURLToPath(import.meta.url)) {
  const code = await run(process.argv.slice(2), {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  });
  process.exitCode = code;
}

import type { ErrorObject } from 'ajv';
import type { Static, TSchema } from 'typebox';
import type { Deps } from '../deps.ts';
import { validatorCompiler } from '../http/validation.ts';
import { AppError } from '../lib/errors.ts';
import {
  configProblem,
  CreateGameBody,
  createGame,
  GAME_STATUSES,
  type GameRow,
  listOrgGames,
  TEMPLATES,
} from '../modules/games/index.ts';
import { findOrganization } from '../modules/organizations/index.ts';
import {
  checkPrizeSlots,
  type PrizeList,
  replacePrizes,
  ReplacePrizesBody,
} from '../modules/prizes/index.ts';
import {
  optionalChoice,
  optionalJson,
  required,
  requiredInt,
  UsageError,
  type Values,
} from './args.ts';
import type { Command, Result } from './commands.ts';
import type { CliIo } from './io.ts';

/** Exit status when the game was created but its prize list could not be set (a race). */
export const EXIT_PRIZES_NOT_SET = 3;

type SlotInputs = Static<typeof ReplacePrizesBody>['slots'];
type BodyCheck = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** `/slots/0/win_chance` → `slots[0].win_chance`, the way the services name fields. */
function fieldName(pointer: string): string {
  return pointer
    .split('/')
    .filter(Boolean)
    .map((part, index) => (/^\d+$/.test(part) ? `[${part}]` : index === 0 ? part : `.${part}`))
    .join('');
}

/**
 * Why the HTTP route whose body schema is `schema` would refuse `body`, or undefined: the very
 * validator the server runs (the schema, then the rules for every body, such as no NUL text).
 */
function bodyProblem(schema: TSchema, body: unknown): string | undefined {
  const check = validatorCompiler({
    schema,
    method: 'POST',
    url: '/',
    httpPart: 'body',
  }) as BodyCheck;
  // Ajv fills in the schema's defaults as it validates: a copy keeps the CLI's own defaults.
  if (check(structuredClone(body))) return undefined;
  const first = check.errors?.[0];
  const params = first?.params as
    { missingProperty?: string; additionalProperty?: string } | undefined;
  // Ajv's message names a missing property but not an extra one.
  const extra = params?.additionalProperty;
  const field = fieldName(`${first?.instancePath ?? ''}${extra ? `/${extra}` : ''}`);
  return `${field} ${first?.message ?? 'is invalid'}`.trim();
}

/** The option a field of the HTTP body came from, for the error message. */
function optionOf(problem: string): string {
  const field = /^[a-z_]+/.exec(problem)?.[0];
  return field === 'slots' ? '--prizes' : `--${field ?? 'config'}`;
}

/** `--prizes` as the list PUT /api/games/:gameId/prizes takes, as is or as `{ "slots": [...] }`. */
function prizeList(value: unknown): unknown[] | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value as unknown[];
  if (typeof value === 'object' && value !== null && Object.keys(value).join() === 'slots') {
    const { slots } = value as { slots: unknown };
    if (Array.isArray(slots)) return slots as unknown[];
  }
  throw new UsageError(
    '--prizes must be a JSON list of prize slots, or { "slots": [...] } (the body of PUT /api/games/:gameId/prizes without org_id)',
  );
}

function describeSlots(list: PrizeList): string[] {
  const slots = list.slots.map((slot) => `${slot.name} (${slot.type}, ${slot.win_chance}%)`);
  return [
    `  ${list.slots.length} prize slot(s): ${slots.join(', ') || 'none'}`,
    ...list.warnings.map((warning) => `  warning: ${warning}`),
  ];
}

function created(game: GameRow, orgId: number): string[] {
  const lines = [
    `created game ${game.id} "${game.title}" (${game.template}, ${game.status}) in organization ${orgId}`,
  ];
  if (Object.keys(game.config).length > 0) lines.push(`  config: ${JSON.stringify(game.config)}`);
  return lines;
}

export const gameCreate: Command = {
  name: 'game create',
  usage:
    `--org ID --title T [--template ${TEMPLATES.join('|')}] [--status ${GAME_STATUSES.join('|')}] ` +
    '[--config JSON|@file.json] [--prizes JSON|@file.json]',
  options: ['org', 'title', 'template', 'status', 'config', 'prizes'],
  prepare(values: Values, io: CliIo) {
    const orgId = requiredInt(values, 'org');
    const title = required(values, 'title');
    const template = optionalChoice(values, 'template', TEMPLATES);
    const status = optionalChoice(values, 'status', GAME_STATUSES);
    const config = optionalJson(values, 'config', io.cwd);
    const slots = prizeList(optionalJson(values, 'prizes', io.cwd));

    // The checks POST /api/games and PUT /api/games/:gameId/prizes make before any service runs,
    // then the template's own rules for the settings (the ones createGame applies).
    const gameBody = { org_id: orgId, title, template, status, config };
    // The JSON round trip drops the options not given, as a request would not send them.
    const gameProblem = bodyProblem(CreateGameBody, JSON.parse(JSON.stringify(gameBody)));
    if (gameProblem) throw new UsageError(`${optionOf(gameProblem)}: ${gameProblem}`);
    const settingsProblem = configProblem(template ?? 'spin-wheel', config ?? {});
    if (settingsProblem) throw new UsageError(`--config: ${settingsProblem}`);
    const prizesProblem = slots && bodyProblem(ReplacePrizesBody, { org_id: orgId, slots });
    if (prizesProblem) throw new UsageError(`--prizes: ${prizesProblem}`);

    const input = {
      title,
      template,
      status,
      config: config as Record<string, unknown> | undefined,
      // Plays draw from the slots only when the prize system is on: giving slots turns it on.
      prize_enabled: slots === undefined ? undefined : slots.length > 0,
    };
    const inputs = slots as SlotInputs | undefined;
    return async (deps: Deps): Promise<Result> => {
      if (inputs) {
        // The services cannot share one transaction, so everything a prize list can be refused
        // for is checked before the game exists: a bad list (or --org) creates nothing.
        if (!(await findOrganization(deps.database.db, orgId))) {
          throw new AppError('not_found', 'Organization not found');
        }
        try {
          await checkPrizeSlots(deps, orgId, inputs);
        } catch (error) {
          if (error instanceof AppError)
            throw new AppError(error.code, `--prizes: ${error.message}`);
          throw error;
        }
      }
      const game = await createGame(deps, orgId, input);
      if (!inputs) return { json: game, text: created(game, orgId).join('\n') };
      try {
        const prizes = await replacePrizes(deps, undefined, orgId, game.id, inputs);
        return {
          json: { ...game, prizes: prizes.slots, prize_warnings: prizes.warnings },
          text: [...created(game, orgId), ...describeSlots(prizes)].join('\n'),
        };
      } catch (error) {
        // Only a race (a voucher set deleted since the check) or an outage gets here: the game
        // stays, without prizes, and the output and exit status say so.
        const reason = (error as Error).message;
        const message = `its prizes were NOT set: ${reason}; set them with PUT /api/games/${game.id}/prizes`;
        return {
          json: { ...game, prizes: null, prize_error: reason },
          text: [...created(game, orgId), `  ${message}`].join('\n'),
          exitCode: EXIT_PRIZES_NOT_SET,
        };
      }
    };
  },
};

export const gameList: Command = {
  name: 'game list',
  usage: '--org ID',
  options: ['org'],
  prepare(values: Values) {
    const orgId = requiredInt(values, 'org');
    return async (deps: Deps): Promise<Result> => {
      if (!(await findOrganization(deps.database.db, orgId))) {
        throw new AppError('not_found', 'Organization not found');
      }
      const games = await listOrgGames(deps, orgId);
      if (games.length === 0) return { json: games, text: `no games in organization ${orgId}` };
      const rows = [
        ['ID', 'TITLE', 'TEMPLATE', 'STATUS'],
        ...games.map((game) => [String(game.id), game.title, game.template, game.status]),
      ];
      const widths = [0, 1, 2].map((column) =>
        Math.max(...rows.map((row) => row[column]?.length ?? 0)),
      );
      const text = rows
        .map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  '))
        .map((line) => line.trimEnd())
        .join('\n');
      return { json: games, text };
    };
  },
};

import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { gameVisibleTo, requireName, requireOrgRole, type Role } from '../organizations/index.ts';
import type { Actor } from '../users/index.ts';
import * as repo from './games.repo.ts';
import type { GamePatch, GameRow, GameStatus } from './games.repo.ts';
import { assertConfig, configProblem, type GameTemplate } from './games.templates.ts';
import { type GameTranslationsValue, translationsProblem } from './games.translations.ts';
import { assertGameAssets } from '../branding/index.ts';

export { GAME_STATUSES, type GameStatus } from './games.repo.ts';

const DESCRIPTION_MAX = 2000;

export interface GameFields {
  title?: string | undefined;
  description?: string | null | undefined;
  template?: GameTemplate | undefined;
  status?: GameStatus | undefined;
  /** Replaces the stored settings as a whole; checked against the (new) template. */
  config?: Record<string, unknown> | undefined;
  prize_enabled?: boolean | undefined;
  /** Replaces the stored texts per language as a whole (games.translations.ts). */
  translations?: GameTranslationsValue | undefined;
}

export type CreateGameInput = GameFields & { title: string };

function checkDescription(value: string | null | undefined): string | null | undefined {
  if (typeof value === 'string' && value.length > DESCRIPTION_MAX) {
    throw new AppError(
      'validation_failed',
      `description must have at most ${DESCRIPTION_MAX} characters`,
    );
  }
  return value;
}

/**
 * The game `gameId` as `actor` may see it, with the actor's role: the check every route under a
 * game (the game itself, its prizes, its analytics) runs first. A game of another organization,
 * and for a Viewer a game that is not Active (`gameVisibleTo`), is 404 alike.
 */
export async function requireVisibleGame(
  deps: Deps,
  actor: Actor,
  orgId: number,
  gameId: number,
): Promise<{ role: Role; game: GameRow }> {
  const { role } = await requireOrgRole(deps, actor, orgId, 'Viewer');
  const game = await repo.findGame(deps.database.db, orgId, gameId);
  if (!game || !gameVisibleTo(role, game.status)) {
    throw new AppError('not_found', 'Game not found');
  }
  return { role, game };
}

/**
 * Creates a game. With an actor (the management API) the actor must be an Editor or above and
 * the game starts as a Draft; without one the caller is trusted tooling (seed, CLI, test
 * factories) and the game starts Active, ready to be played.
 */
export async function createGame(
  deps: Deps,
  orgId: number,
  input: CreateGameInput,
  actor?: Actor,
): Promise<GameRow> {
  if (actor) await requireOrgRole(deps, actor, orgId, 'Editor');
  const title = requireName('title', input.title);
  const template = input.template ?? 'spin-wheel';
  const config = input.config ?? {};
  assertConfig(template, config);
  await assertGameAssets(deps, orgId, config);
  const translations = input.translations ?? {};
  const problem = translationsProblem(template, config, translations);
  if (problem) throw new AppError('validation_failed', problem);
  try {
    return await repo.insertGame(
      deps.database.db,
      orgId,
      {
        title,
        description: checkDescription(input.description) ?? null,
        template,
        status: input.status ?? (actor ? 'Draft' : 'Active'),
        config,
        prize_enabled: input.prize_enabled ?? false,
        translations,
      },
      deps.clock.now(),
    );
  } catch (error) {
    if ((error as { code?: string }).code === '23503') {
      throw new AppError('not_found', 'Organization not found');
    }
    throw error;
  }
}

export async function listGames(
  deps: Deps,
  actor: Actor,
  orgId: number,
  filter: { status?: GameStatus | undefined } = {},
): Promise<GameRow[]> {
  const { role } = await requireOrgRole(deps, actor, orgId, 'Viewer');
  let statuses: GameStatus[] | undefined = filter.status ? [filter.status] : undefined;
  if (role === 'Viewer') statuses = (statuses ?? ['Active']).filter((s) => s === 'Active');
  return repo.listGames(deps.database.db, orgId, { statuses });
}

export async function getGame(
  deps: Deps,
  actor: Actor,
  orgId: number,
  gameId: number,
): Promise<GameRow> {
  return (await requireVisibleGame(deps, actor, orgId, gameId)).game;
}

export async function updateGame(
  deps: Deps,
  actor: Actor,
  orgId: number,
  gameId: number,
  fields: GameFields,
): Promise<GameRow> {
  await requireOrgRole(deps, actor, orgId, 'Editor');
  const patch: GamePatch = {};
  if (fields.title !== undefined) patch.title = requireName('title', fields.title);
  if (fields.description !== undefined) {
    patch.description = checkDescription(fields.description) ?? null;
  }
  if (fields.status !== undefined) patch.status = fields.status;
  if (fields.prize_enabled !== undefined) patch.prize_enabled = fields.prize_enabled;
  if (fields.template !== undefined) patch.template = fields.template;
  if (fields.config !== undefined) patch.config = fields.config;
  if (fields.config !== undefined) await assertGameAssets(deps, orgId, fields.config);
  if (fields.translations !== undefined) patch.translations = fields.translations;
  // The settings must fit the template they end up with, so the row is locked while the
  // stored half (template or config) is checked against the new half.
  return deps.database.db.transaction().execute(async (trx) => {
    const current = await repo.findGame(trx, orgId, gameId, { forUpdate: true });
    if (!current) throw new AppError('not_found', 'Game not found');
    if (patch.template !== undefined || patch.config !== undefined) {
      const template = patch.template ?? current.template;
      const problem = configProblem(template, patch.config ?? current.config);
      if (problem) {
        throw new AppError(
          'validation_failed',
          patch.config === undefined
            ? `The stored config does not fit template ${template} (${problem}); send a config with the new template`
            : problem,
        );
      }
    }
    // Translated segments follow the game's segments: checked against the config it ends up with.
    if (
      patch.translations !== undefined ||
      patch.template !== undefined ||
      patch.config !== undefined
    ) {
      const problem = translationsProblem(
        patch.template ?? current.template,
        patch.config ?? current.config,
        patch.translations ?? current.translations,
      );
      if (problem) {
        throw new AppError(
          'validation_failed',
          patch.translations === undefined
            ? `The stored translations do not fit the new settings (${problem}); send translations too`
            : problem,
        );
      }
    }
    const updated = await repo.updateGame(trx, orgId, gameId, patch, deps.clock.now());
    if (!updated) throw new AppError('not_found', 'Game not found');
    return updated;
  });
}

export async function deleteGame(
  deps: Deps,
  actor: Actor,
  orgId: number,
  gameId: number,
): Promise<void> {
  await requireOrgRole(deps, actor, orgId, 'Editor');
  const deleted = await repo.deleteGame(deps.database.db, orgId, gameId);
  if (!deleted) throw new AppError('not_found', 'Game not found');
}

/** Trusted tooling: every game of an organization, whatever its status. */
export function listOrgGames(deps: Deps, orgId: number): Promise<GameRow[]> {
  return repo.listGames(deps.database.db, orgId);
}

/**
 * The game a play page shows, found by id alone (the page has no organization), or undefined.
 * Whether its status allows playing is the caller's decision.
 */
export function findPlayableGame(deps: Deps, gameId: number): Promise<GameRow | undefined> {
  if (!Number.isInteger(gameId) || gameId < 1 || gameId > 2_147_483_647) {
    return Promise.resolve(undefined);
  }
  return repo.findGameById(deps.database.db, gameId);
}

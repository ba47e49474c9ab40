export { gameRoutes } from './games.routes.ts';
// The HTTP body of POST /api/games: the CLI's `game create` checks its options against it.
export { CreateGameBody } from './games.schemas.ts';
export {
  createGame,
  findPlayableGame,
  GAME_STATUSES,
  listOrgGames,
  requireVisibleGame,
} from './games.service.ts';
export type { CreateGameInput, GameFields, GameStatus } from './games.service.ts';
export type { GameRow } from './games.repo.ts';
export {
  configProblem,
  DEFAULT_COLORS,
  DEFAULT_SEGMENTS,
  isLuckyDraw,
  isTemplate,
  GRID_BOXES,
  MemoryMatchConfigSchema,
  QuickTapConfigSchema,
  SpinWheelConfigSchema,
  TEMPLATE_CONFIG_SCHEMAS,
  TEMPLATES,
  withDefaults,
} from './games.templates.ts';
export type {
  FilledMemoryMatchConfig,
  FilledQuickTapConfig,
  FilledSpinWheelConfig,
  FilledTemplateConfig,
  GameTemplate,
  MemoryMatchConfig,
  QuickTapConfig,
  SpinWheelConfig,
  TemplateConfig,
} from './games.templates.ts';

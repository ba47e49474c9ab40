export { BULK_BODY_LIMIT, playerRoutes } from './players.routes.ts';
export {
  createPlayer,
  createPlayers,
  deletePlayer,
  deletePlayersWhere,
  getPlayer,
  listPlayers,
  MAX_BATCH,
  updatePlayer,
  updatePlayersWhere,
  playerKey,
  playersWhere,
  upsertPlayers,
} from './players.service.ts';
export type { BatchError, BatchResult, PlayerListQuery } from './players.service.ts';
export type { PlayerKey, PlayerRow } from './players.repo.ts';
export { PLAYER_STATUSES, PLAYER_TABLE } from './players.table.ts';
export type { PlayerStatus } from './players.table.ts';
export { validatePlayer } from './players.validation.ts';
export type { PlayerValues } from './players.validation.ts';
export { Player } from './players.schemas.ts';
export { importPlayers } from './players.import.ts';
export type {
  ImportOptions,
  ImportProgress,
  ImportRowError,
  ImportSummary,
} from './players.import.ts';
export { playerActivityConsumer, sessionTarget } from './players.activity.ts';
// The HTTP schemas, for the MCP tools' input schemas (modules/mcp).
export { BatchBody, PlayerParams, PlayerPatch } from './players.schemas.ts';

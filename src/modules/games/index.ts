export { createGame, GAME_STATUSES, listOrgGames } from './games.service.ts';
export type { GameStatus } from './games.service.ts';
export type { GameRow } from './games.repo.ts';

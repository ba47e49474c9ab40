export { prizeRoutes } from './prizes.routes.ts';
export {
  checkPrizeSlots,
  listPrizes,
  MAX_SLOTS,
  PRIZE_TYPES,
  replacePrizes,
} from './prizes.service.ts';
// The HTTP body of PUT /api/games/:gameId/prizes: the CLI checks its --prizes list against it.
export { ReplacePrizesBody } from './prizes.schemas.ts';
export type { PrizeList, PrizeSlot, PrizeSlotInput } from './prizes.service.ts';
// The play flow: draw a completed play's prize, and claim it with the signed draw token.
export { claimPrize, drawPrize, prizeOfPlay } from './prizes.draw.ts';
export type { ClaimedPrize, DrawnPlay, PlayPrize, PrizeOffer } from './prizes.draw.ts';
export { DRAW_TOKEN_TTL_MS } from './prizes.token.ts';

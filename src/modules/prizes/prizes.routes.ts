import type { Deps } from '../../deps.ts';
import { currentUser, requireUser } from '../auth/index.ts';
import { errorResponses } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import { GameParams, OrgQuery, PrizeListResponse, ReplacePrizesBody } from './prizes.schemas.ts';
import { listPrizes, replacePrizes } from './prizes.service.ts';

const tags = ['Prizes'];
const security = [{ bearerAuth: [] }];

/** A game's prize slots (dashboard, bearer auth): Editors configure, every member reads. */
export function prizeRoutes(app: App, deps: Deps): void {
  const onRequest = requireUser(deps);

  app.get(
    '/api/games/:gameId/prizes',
    {
      onRequest,
      schema: {
        operationId: 'prizes.list',
        summary: "A game's prize slots",
        description:
          "In order: a slot's index is its segment on the spin wheel. Any member who may see the game: for a Viewer a game that is not Active is 404, like another organization's. " +
          '`voucher_code` (a prize secret) is null for Analysts and Viewers; Editors and above read it.',
        tags,
        security,
        params: GameParams,
        querystring: OrgQuery,
        response: { 200: PrizeListResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const list = await listPrizes(
        deps,
        { userId: currentUser(request).id },
        request.query.org_id,
        request.params.gameId,
      );
      return { success: true as const, data: list.slots, warnings: list.warnings };
    },
  );

  app.put(
    '/api/games/:gameId/prizes',
    {
      onRequest,
      schema: {
        operationId: 'prizes.replace',
        summary: "Replace a game's prize slots",
        description:
          "Replaces the whole list (at most 12 slots) in one transaction; the order given is the slot order. Pass a slot's `id` to keep it: it is updated in place and keeps its `won_count` (its quantity cannot go below it). Slots without `id` are new and start at 0 wins; slots left out are removed, and prizes drawn from them but not yet claimed can no longer be claimed. Win chances that do not total 100% are accepted with a warning. Editor or above.",
        tags,
        security,
        params: GameParams,
        body: ReplacePrizesBody,
        response: { 200: PrizeListResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const list = await replacePrizes(
        deps,
        { userId: currentUser(request).id },
        request.body.org_id,
        request.params.gameId,
        request.body.slots,
      );
      return { success: true as const, data: list.slots, warnings: list.warnings };
    },
  );
}

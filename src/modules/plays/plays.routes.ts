import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';
import { errorResponses } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import {
  localizeGame,
  localizePrize,
  localizeTitle,
  localizeView,
  PAGE_CSP,
  pickLang,
  renderPlayPage,
} from '../../web/index.ts';
import { withQr } from '../../lib/qr.ts';
import { type BrandRef, pageBrand } from '../branding/index.ts';
import { claimPrize } from '../prizes/index.ts';
import { gamePage, type PageView, publicStreamPage, streamTokenPage } from './plays.pages.ts';
import {
  ClaimBody,
  ClaimResponse,
  CompleteBody,
  CompleteResponse,
  PageQuery,
  PlayParams,
  PublicStreamQuery,
  StartBody,
  StartResponse,
} from './plays.schemas.ts';
import { completePlay, startPlay } from './plays.service.ts';

const PLAYER_COOKIE = 'pl_player';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const tags = ['Play'];
const madeIds = new WeakMap<FastifyRequest, string>();

/**
 * The browser's player id: kept in a cookie, made on first contact. The cookie is `Secure`
 * when the request came over https (`request.protocol` believes X-Forwarded-Proto only from a
 * trusted proxy, TRUST_PROXY) or when the public address is https: behind a TLS-terminating
 * proxy the hop to us may be plain http, yet the browser's side must never send it in clear.
 */
function playerId(deps: Deps, request: FastifyRequest, reply: FastifyReply): string {
  const current = request.cookies[PLAYER_COOKIE];
  if (current && UUID.test(current)) return current;
  // One new id per request, however many times it is asked for.
  const made = madeIds.get(request);
  if (made) return made;
  const id = randomUUID();
  madeIds.set(request, id);
  void reply.setCookie(PLAYER_COOKIE, id, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https' || /^https:/i.test(deps.config.publicUrl),
    maxAge: 365 * 86_400,
  });
  return id;
}

function existingPlayer(request: FastifyRequest): string | undefined {
  const current = request.cookies[PLAYER_COOKIE];
  return current && UUID.test(current) ? current : undefined;
}

/** `brandRef`: whose link this is, for the organization's branding (branding.page.ts). */
async function sendPage(
  deps: Deps,
  request: FastifyRequest,
  reply: FastifyReply,
  view: PageView,
  queryLang: string | undefined,
  brandRef: BrandRef,
) {
  const lang = pickLang(queryLang, request.headers['accept-language']);
  playerId(deps, request, reply);
  const brand = await pageBrand(deps, brandRef, view.game?.id);
  return (
    reply
      .type('text/html; charset=utf-8')
      .header('Cache-Control', 'no-store')
      // Play links carry their token in the URL: never hand it to another site.
      .header('Referrer-Policy', 'no-referrer')
      .header('Content-Security-Policy', PAGE_CSP)
      .send(renderPlayPage(localizeView({ ...view, lang, ...(brand ? { brand } : {}) }), {}))
  );
}

/** The language play.js says its page is in (else the browser's): the game's texts follow it. */
const bodyLang = (request: FastifyRequest<{ Body: { lang?: string | undefined } }>) =>
  pickLang(request.body.lang, request.headers['accept-language']);

type ShownSlot = { name: string; description: string | null; type: string };
const slotShown = ({ name, description, type }: ShownSlot): ShownSlot => ({
  name,
  description,
  type,
});

const positiveId = (raw: string): number | undefined => {
  const id = Number(raw);
  return /^\d{1,10}$/.test(raw) && id > 0 && id <= 2_147_483_647 ? id : undefined;
};

export function playRoutes(app: App, deps: Deps): void {
  const hidden = { hide: true };

  app.get(
    '/play/game/:id',
    { schema: { ...hidden, querystring: PageQuery } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const gameId = positiveId(id);
      const view: PageView = gameId
        ? await gamePage(deps, gameId, request.query.session_token, existingPlayer(request))
        : { screen: 'error', error: 'unknown' };
      return sendPage(deps, request, reply, view, request.query.lang, {
        token: gameId ? request.query.session_token : undefined,
      });
    },
  );

  app.get(
    '/play/stream/:id',
    { schema: { ...hidden, querystring: PageQuery } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const streamId = positiveId(id);
      const view: PageView = streamId
        ? await streamTokenPage(
            deps,
            streamId,
            request.query.session_token,
            existingPlayer(request),
            playerId(deps, request, reply),
            request.ip,
          )
        : { screen: 'error', error: 'unknown' };
      // The token's organization, not the stream id's: ids are sequential, and walking them
      // must not list every organization's name and logo.
      const brandRef = { token: request.query.session_token };
      return sendPage(deps, request, reply, view, request.query.lang, brandRef);
    },
  );

  app.get(
    '/stream/:orgSlug/:streamSlug',
    { schema: { ...hidden, querystring: PublicStreamQuery } },
    async (request, reply) => {
      const { orgSlug, streamSlug } = request.params as { orgSlug: string; streamSlug: string };
      const q = request.query;
      const utm: Record<string, string> = {};
      for (const key of [
        'utm_source',
        'utm_medium',
        'utm_campaign',
        'utm_term',
        'utm_content',
      ] as const) {
        const value = q[key];
        if (value) utm[key] = value;
      }
      const view = await publicStreamPage(deps, orgSlug, streamSlug, {
        playerUuid: existingPlayer(request),
        visitor: playerId(deps, request, reply),
        clientIp: request.ip,
        linkParams: {
          ...(q.braze_id ? { braze_id: q.braze_id } : {}),
          ...(q.external_id ? { external_id: q.external_id } : {}),
          ...(q.user_id ? { user_id: q.user_id } : {}),
        },
        // Identification priority as DailyPlay documents it for its integrations; the id is
        // believed only with a valid signature (plays.identity.ts), else plays count per device.
        link: {
          externalId: q.external_id ?? q.user_id ?? q.braze_id,
          expires: q.expires,
          sig: q.sig,
        },
        utm,
      });
      return sendPage(deps, request, reply, view, q.lang, { orgSlug, streamSlug });
    },
  );

  app.post(
    '/play/api/start',
    {
      schema: {
        operationId: 'plays.start',
        summary: 'Start (or resume) a play',
        description:
          'Called by the play page. A session token is consumed here, atomically, together with recording the play; a player reloading mid-play gets the same play back (`resumed: true`). See docs/play.md.',
        tags,
        security: [],
        body: StartBody,
        response: { 200: StartResponse, ...errorResponses(400, 404, 409, 410) },
      },
    },
    async (request, reply) => {
      const { play, game, resumed } = await startPlay(
        deps,
        request.body,
        playerId(deps, request, reply),
      );
      return {
        success: true as const,
        data: {
          play: {
            id: play.id,
            game_id: play.game_id,
            stream_id: play.stream_id,
            status: play.status,
          },
          game: localizeGame(game, bodyLang(request)),
          resumed,
        },
      };
    },
  );

  app.post(
    '/play/api/plays/:id/complete',
    {
      schema: {
        operationId: 'plays.complete',
        summary: 'Report the end of a play',
        description:
          'Once per play, by the browser that started it. The server computes the score from the reported facts (refusing implausible ones with 400), draws lucky-draw outcomes and prizes, and signs a draw token valid 30 minutes.',
        tags,
        security: [],
        params: PlayParams,
        body: CompleteBody,
        response: { 200: CompleteResponse, ...errorResponses(400, 404, 409) },
      },
    },
    async (request) => {
      const done = await completePlay(
        deps,
        request.params.id,
        existingPlayer(request),
        request.body,
      );
      return {
        success: true as const,
        data: {
          score: done.score,
          result: done.result,
          prize: done.prize
            ? {
                draw_token: done.prize.draw_token,
                expires_at: done.prize.expires_at,
                slot: slotShown(localizePrize(done.prize.slot, bodyLang(request))),
              }
            : null,
          next_url: done.nextUrl,
          next_game: done.nextGame && localizeTitle(done.nextGame, bodyLang(request)),
          best: done.standing.best,
          rank: done.standing.rank,
        },
      };
    },
  );

  app.post(
    '/play/api/claim',
    {
      schema: {
        operationId: 'plays.claim',
        summary: 'Claim a drawn prize',
        description:
          'Verifies the signed draw token and hands out the prize once; a voucher-set prize gets its own code.',
        tags,
        security: [],
        body: ClaimBody,
        response: { 200: ClaimResponse, ...errorResponses(400, 409, 410) },
      },
    },
    async (request) => ({
      success: true as const,
      data: {
        prize: withQr(
          localizePrize(await claimPrize(deps, request.body.draw_token), bodyLang(request)),
        ),
      },
    }),
  );
}

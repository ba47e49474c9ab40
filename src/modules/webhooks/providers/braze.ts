import type { OutboundRequest } from '../webhooks.types.ts';
import { compact, type ConnectionFacts, playProperties } from './facts.ts';

// Braze REST API `POST {rest endpoint}/users/track` (Authorization: Bearer <REST API key with
// users.track>). Each trigger sends one attributes object and one custom event for the player:
//   attributes: country and device_type at the top level (when known) and the nested custom
//     attribute object `dailyplay` {last_game_id, last_stream_name, last_stream_slug,
//     last_play_date, last_game_score, …}. `_merge_objects: true` makes Braze merge it into the
//     stored object (a play_start must not erase the last score a play_complete set).
//   events: `dailyplay_<trigger>` at the event's time with the facts as properties.
// Identity, in DailyPlay's order: the link's `braze_id` → braze_id; its `external_id`, then its
// `user_id` → external_id; then the id the brand vouched for; then `player_uuid` as external_id.
// Braze has no idempotency key: a retried request can record the event twice.

export interface BrazeSettings {
  provider: 'braze';
  /** The instance's REST endpoint, e.g. `https://rest.iad-01.braze.com`. */
  rest_endpoint: string;
  api_key: string;
  /** Optional app identifier attached to attributes and events. */
  app_id?: string | null | undefined;
}

type BrazeIdentity = { braze_id: string } | { external_id: string };

export function brazeIdentity(facts: ConnectionFacts): BrazeIdentity | null {
  if (facts.link.braze_id) return { braze_id: facts.link.braze_id };
  const externalId =
    facts.link.external_id ?? facts.link.user_id ?? facts.externalId ?? facts.playerUuid;
  return externalId ? { external_id: externalId } : null;
}

export function brazeRequest(
  facts: ConnectionFacts,
  settings: BrazeSettings,
): OutboundRequest | null {
  const identity = brazeIdentity(facts);
  if (!identity) return null;
  const app = settings.app_id ? { app_id: settings.app_id } : {};
  const isPlay = facts.trigger !== 'stream_access';
  const gameId = facts.gameId === null ? null : String(facts.gameId);
  const dailyplay = compact({
    last_stream_name: facts.streamName,
    last_stream_slug: facts.streamSlug,
    last_game_id: isPlay ? gameId : null,
    last_play_date: isPlay ? facts.occurredAt : null,
    last_game_score: facts.trigger === 'play_complete' ? facts.score : null,
    last_prize_name: facts.trigger === 'prize_redemption' ? facts.prizeName : null,
  });
  const attributes = {
    ...identity,
    ...app,
    _merge_objects: true,
    ...compact({ country: facts.country, device_type: facts.deviceType }),
    dailyplay,
  };
  const event = {
    ...identity,
    ...app,
    name: `dailyplay_${facts.trigger}`,
    time: facts.occurredAt,
    properties: { event_id: facts.eventId, ...playProperties(facts) },
  };
  return {
    method: 'POST',
    url: `${settings.rest_endpoint.replace(/\/+$/, '')}/users/track`,
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${settings.api_key}`,
    },
    body: JSON.stringify({ attributes: [attributes], events: [event] }),
  };
}

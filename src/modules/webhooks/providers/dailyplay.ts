import type { OutboundRequest } from '../webhooks.types.ts';
import type { ConnectionFacts, EventEnvelope, TriggerEvent } from './facts.ts';

// The JSON DailyPlay's Webhook, Custom and Zapier connections POST. The digest shows how it
// starts: {"event_type": "play_complete", "game_id": "163", "stream_id": 453, "stream_slug":
// "my-campaign-slug", "stream_name": "My Campaign S…  (game_id a string, stream_id a number).
// The rest was cut off in the public docs; PlayLoop sends every key on every event, null when it
// does not apply, so a Zapier zap or a receiver's schema sees one stable shape.

export interface DailyPlayPayload {
  event_type: TriggerEvent;
  /** The event id: the same on every retry (also in `webhook-id`). */
  event_id: string;
  /** ISO 8601 time of the event. */
  timestamp: string;
  game_id: string | null;
  stream_id: number | null;
  stream_slug: string | null;
  stream_name: string | null;
  play_id: number | null;
  player_uuid: string | null;
  external_id: string | null;
  session_id: number | null;
  external_ref: string | null;
  metadata: Record<string, unknown> | null;
  score: number | null;
  duration_ms: number | null;
  outcome: string | null;
  prize_name: string | null;
  prize_type: string | null;
  utm: Record<string, string> | null;
}

export function dailyPlayPayload(facts: ConnectionFacts): DailyPlayPayload {
  return {
    event_type: facts.trigger,
    event_id: facts.eventId,
    timestamp: facts.occurredAt,
    game_id: facts.gameId === null ? null : String(facts.gameId),
    stream_id: facts.streamId,
    stream_slug: facts.streamSlug,
    stream_name: facts.streamName,
    play_id: facts.playId,
    player_uuid: facts.playerUuid,
    external_id: facts.externalId,
    session_id: facts.sessionId,
    external_ref: facts.externalRef,
    metadata: facts.metadata,
    score: facts.score,
    duration_ms: facts.durationMs,
    outcome: facts.outcome,
    prize_name: facts.prizeName,
    prize_type: facts.prizeType,
    utm: facts.utm,
  };
}

export interface WebhookSettings {
  provider: 'webhook';
  url: string;
  /** Optional header sent with every delivery, e.g. `Authorization: Bearer …`. */
  auth_header_name?: string | null | undefined;
  auth_header_value?: string | null | undefined;
}

export interface CustomSettings {
  provider: 'custom';
  url: string;
  api_key?: string | null | undefined;
  /** Header carrying `api_key`; default `X-API-Key`. */
  api_key_header?: string | null | undefined;
}

export interface ZapierSettings {
  provider: 'zapier';
  /** A Zapier "Catch Hook" URL; https only. */
  url: string;
}

export const DEFAULT_API_KEY_HEADER = 'x-api-key';

export function dailyPlayRequest(
  facts: ConnectionFacts,
  settings: WebhookSettings | CustomSettings | ZapierSettings,
): OutboundRequest {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (settings.provider === 'webhook' && settings.auth_header_name && settings.auth_header_value) {
    headers[settings.auth_header_name.toLowerCase()] = settings.auth_header_value;
  }
  if (settings.provider === 'custom' && settings.api_key) {
    const name = settings.api_key_header || DEFAULT_API_KEY_HEADER;
    headers[name.toLowerCase()] = settings.api_key;
  }
  return {
    method: 'POST',
    url: settings.url,
    headers,
    body: JSON.stringify(dailyPlayPayload(facts)),
  };
}

/** A PlayerOS webhook endpoint: the event envelope itself, as the catalog documents it. */
export function envelopeRequest(event: EventEnvelope, url: string): OutboundRequest {
  const body = {
    id: event.id,
    type: event.type,
    version: event.version,
    occurred_at: new Date(event.occurred_at).toISOString(),
    org_id: event.org_id,
    property_id: event.property_id,
    data: event.data,
  };
  return {
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
}

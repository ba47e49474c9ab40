import type { OutboundRequest } from '../webhooks.types.ts';
import { compact, type ConnectionFacts, playProperties } from './facts.ts';

// Segment HTTP Tracking API, a `track` call: `POST {api host}/v1/track` with HTTP Basic auth
// (the source's write key as user name, empty password: base64("<key>:")). `messageId` is the
// event id, so Segment deduplicates a retried delivery. `anonymousId` is the play page's
// player_uuid; `userId` is the brand's id for the player when one is known.

export const SEGMENT_DEFAULT_API_HOST = 'https://api.segment.io';

export interface SegmentSettings {
  provider: 'segment';
  write_key: string;
  /** Default `https://api.segment.io`; EU workspaces use their regional host. */
  api_host?: string | null | undefined;
}

export function segmentRequest(
  facts: ConnectionFacts,
  settings: SegmentSettings,
): OutboundRequest | null {
  const userId = facts.link.external_id ?? facts.link.user_id ?? facts.externalId;
  const anonymousId = facts.playerUuid;
  if (!userId && !anonymousId) return null; // Segment refuses a call with neither
  const host = (settings.api_host || SEGMENT_DEFAULT_API_HOST).replace(/\/+$/, '');
  const body = {
    type: 'track',
    ...compact({ userId, anonymousId }),
    event: `dailyplay_${facts.trigger}`,
    properties: playProperties(facts),
    context: {
      library: { name: 'playloop', version: '1' },
      ...(facts.utm && Object.keys(facts.utm).length > 0
        ? { campaign: utmCampaign(facts.utm) }
        : {}),
    },
    timestamp: facts.occurredAt,
    messageId: facts.eventId,
  };
  return {
    method: 'POST',
    url: `${host}/v1/track`,
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${settings.write_key}:`).toString('base64')}`,
    },
    body: JSON.stringify(body),
  };
}

/** Segment's `context.campaign` names utm_* parameters without the prefix (utm_campaign → name). */
function utmCampaign(utm: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(utm)) {
    const name = key.replace(/^utm_/, '');
    out[name === 'campaign' ? 'name' : name] = value;
  }
  return out;
}

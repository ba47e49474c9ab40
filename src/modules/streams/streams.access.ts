import type { Deps } from '../../deps.ts';
import { ipSubject } from '../../lib/throttle.ts';
import { type EventData, insertEvents } from '../events/index.ts';
import { streamAvailability } from './streams.playable.ts';
import type { StreamDetail } from './streams.repo.ts';

/** A stream page being served: who opened it, and how. */
export interface StreamAccess {
  stream: StreamDetail;
  entry: EventData<'stream.accessed'>['entry'];
  /** The browser's player id (the play pages' cookie, made on first contact). */
  playerUuid: string;
  /** The player's id when the brand vouched for it (signed link, or the session's ref). */
  externalId: string | null;
  /** A public link's identity parameters as sent, unverified. */
  link: EventData<'stream.accessed'>['link'];
  utm: Record<string, string>;
  /** The client's address: accesses recorded per address and stream are bounded. */
  clientIp?: string;
  /** The session of a session link, when its token is one of this stream's. */
  session: {
    id: number;
    external_ref: string | null;
    metadata: Record<string, unknown> | null;
  } | null;
}

/** Accesses of one stream from one client address recorded per minute. */
export const ACCESSES_RECORDED_PER_MINUTE = { name: 'minute', limit: 30, windowMs: 60_000 };

/**
 * Records stream.accessed (DailyPlay's `stream_access` trigger): one event per page served,
 * whatever the page shows. A page view changes nothing else, so this insert is the whole write.
 */
export async function recordStreamAccess(deps: Deps, access: StreamAccess): Promise<void> {
  const { stream, session } = access;
  const now = deps.clock.now();
  // Each event can become a delivery to every linked connection: a client reloading a link in
  // a loop must not become a flood at the brand's CRM. The page is still served; past the
  // allowance the view is simply not recorded.
  if (access.clientIp) {
    const recorded = await deps.rateLimiter.take(
      `stream-access:${stream.id}:${ipSubject(access.clientIp)}`,
      [ACCESSES_RECORDED_PER_MINUTE],
    );
    if (!recorded.allowed) return;
  }
  await insertEvents(deps.database.db, [
    {
      type: 'stream.accessed',
      orgId: stream.org_id,
      occurredAt: now,
      data: {
        stream_id: stream.id,
        stream_slug: stream.slug,
        stream_name: stream.name,
        entry: access.entry,
        availability: streamAvailability(stream, now),
        player_uuid: access.playerUuid,
        external_id: access.externalId,
        link: access.link,
        utm: access.utm,
        session_id: session?.id ?? null,
        external_ref: session?.external_ref ?? null,
        metadata: session?.metadata ?? null,
      },
    },
  ]);
}

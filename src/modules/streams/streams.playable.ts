import type { Deps } from '../../deps.ts';
import * as repo from './streams.repo.ts';
import type { StreamDetail, StreamRow } from './streams.repo.ts';

// What the play pages read: streams found without knowing the organization, and whether one
// admits plays at a given moment.

const MAX_INT = 2_147_483_647;

const validId = (id: number) => Number.isInteger(id) && id >= 1 && id <= MAX_INT;

/**
 * The stream a play page (`/play/stream/:id`) shows, by id alone, across organizations, or
 * undefined. Whether it can be played now is `streamAvailability`'s answer.
 */
export async function findPlayableStream(
  deps: Deps,
  streamId: number,
): Promise<StreamDetail | undefined> {
  if (!validId(streamId)) return undefined;
  return repo.findStreamAcrossOrgs(deps.database.db, { id: streamId });
}

/** The stream behind a public link `/stream/:orgSlug/:streamSlug`, or undefined. */
export async function findStreamBySlugs(
  deps: Deps,
  orgSlug: string,
  streamSlug: string,
): Promise<StreamDetail | undefined> {
  if (orgSlug.length > 64 || streamSlug.length > 64) return undefined;
  return repo.findStreamAcrossOrgs(deps.database.db, { orgSlug, streamSlug });
}

/**
 * The key that signs player ids on the stream's public link, or null when the stream has none
 * (every play then counts per device). Read only to verify or sign, never returned by the API.
 */
export function streamIdentitySecret(deps: Deps, streamId: number): Promise<string | null> {
  if (!validId(streamId)) return Promise.resolve(null);
  return repo.findIdentitySecret(deps.database.db, streamId);
}

export function publicStreamUrl(deps: Deps, stream: { org_slug: string; slug: string }): string {
  return `${deps.config.publicUrl}/stream/${stream.org_slug}/${stream.slug}`;
}

export type StreamAvailability = 'not_started' | 'open' | 'ended' | 'closed';

/**
 * Whether a stream admits plays at `now`:
 * - closed: Draft, Paused or Archived (whatever the schedule says);
 * - ended: Completed, end_at passed, or the total cap reached;
 * - not_started: Scheduled and start_at not reached (or unset), or start_at in the future;
 * - open: otherwise (Active, or Scheduled once start_at has passed).
 */
export function streamAvailability(
  stream: Pick<StreamRow, 'status' | 'start_at' | 'end_at' | 'max_total_plays' | 'total_plays'>,
  now: Date,
): StreamAvailability {
  switch (stream.status) {
    case 'Draft':
    case 'Paused':
    case 'Archived':
      return 'closed';
    case 'Completed':
      return 'ended';
    case 'Scheduled':
    case 'Active':
      break;
  }
  const at = now.getTime();
  if (stream.end_at && stream.end_at.getTime() <= at) return 'ended';
  if (stream.max_total_plays !== null && stream.total_plays >= stream.max_total_plays) {
    return 'ended';
  }
  if (stream.start_at ? stream.start_at.getTime() > at : stream.status === 'Scheduled') {
    return 'not_started';
  }
  return 'open';
}

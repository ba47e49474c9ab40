import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Deps } from '../../deps.ts';
import { streamIdentitySecret } from '../streams/index.ts';

// Player identity on public stream links (docs/play.md, "Player identity"). A public link is
// open to anyone, so an id on it is only believed when the brand's server signed it:
//   sig = lowercase hex HMAC-SHA256(key = the stream's identity secret as UTF-8 text,
//                                   message = `${stream_id}.${external_id}.${expires}`)
// with `expires` in unix seconds. The stream id in the message stops a signature for one stream
// from being replayed on another; `expires` bounds how long a leaked link identifies its player.
// Anything else (no signature, a wrong or expired one, no secret on the stream) is answered
// exactly like an unsigned link: the id is ignored and the play counts per device. So a wrong
// signature teaches nothing an unsigned link would not (no oracle), and HMAC-SHA256 cannot be
// guessed anyway.

/** What a public link says about its player, untrusted until verified. */
export interface LinkIdentity {
  externalId?: string | undefined;
  /** Unix seconds, as sent. */
  expires?: string | number | undefined;
  sig?: string | undefined;
}

/** A verified identity: the id to count plays and prizes by, and the link's own proof. */
export interface TrustedIdentity {
  externalId: string;
  expires: number;
  sig: string;
}

const SIG = /^[0-9a-f]{64}$/;
const EXPIRES = /^\d{1,12}$/;
/** How long the "Next game" link the server signs for an identified player stays valid. */
export const NEXT_LINK_TTL_S = 3600;

export function identityMessage(streamId: number, externalId: string, expires: number): string {
  return `${streamId}.${externalId}.${expires}`;
}

export function signIdentity(
  secret: string,
  streamId: number,
  externalId: string,
  expires: number,
): string {
  return createHmac('sha256', secret)
    .update(identityMessage(streamId, externalId, expires))
    .digest('hex');
}

/** The link's player id when the brand signed it for this stream and it has not expired. */
export async function trustedIdentity(
  deps: Deps,
  streamId: number,
  link: LinkIdentity,
): Promise<TrustedIdentity | null> {
  const { externalId } = link;
  const expiresText = link.expires === undefined ? '' : String(link.expires);
  const sig = link.sig?.toLowerCase() ?? '';
  if (!externalId || !EXPIRES.test(expiresText) || !SIG.test(sig)) return null;
  const expires = Number(expiresText);
  if (expires * 1000 <= deps.clock.now().getTime()) return null;
  const secret = await streamIdentitySecret(deps, streamId);
  if (!secret) return null;
  const expected = Buffer.from(signIdentity(secret, streamId, externalId, expires), 'hex');
  const given = Buffer.from(sig, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return { externalId, expires, sig };
}

/** Query parameters that carry a verified identity on to the stream's next page. */
export async function signedQuery(
  deps: Deps,
  streamId: number,
  externalId: string,
): Promise<string> {
  const secret = await streamIdentitySecret(deps, streamId);
  if (!secret) return '';
  const expires = Math.floor(deps.clock.now().getTime() / 1000) + NEXT_LINK_TTL_S;
  const sig = signIdentity(secret, streamId, externalId, expires);
  return `?external_id=${encodeURIComponent(externalId)}&expires=${expires}&sig=${sig}`;
}

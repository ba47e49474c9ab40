import { sql } from 'kysely';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { SecretBoxError } from '../../lib/secret-box.ts';
import { countAttempt, ipSubject, withFailureLimit } from '../../lib/throttle.ts';
import { normalizeAddress } from './compliance.consents.ts';

/**
 * Email unsubscribe (CAN-SPAM; RFC 8058 one-click for Gmail and Yahoo): every marketing mail
 * carries a link naming its recipient, and following it records a revocation in `consents`,
 * the same record a STOP reply makes, so the pre-send check skips the address from then on.
 *
 * The link's token is the recipient itself, sealed with the install's secret box (AES-256-GCM),
 * not an HMAC over readable fields: the URL travels in mail headers, provider reports and
 * access logs, and an HMAC would leave the address readable in all of them. The GCM tag makes it
 * unforgeable, so no row per mail is stored and a link works for as long as SECRETS_KEY stays
 * the same (CAN-SPAM asks for at least 30 days; rotating the key ends every older link).
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_USER_AGENT = 500;
const KIND = 'unsubscribe';
/** As `consents.program` allows. */
const MAX_PROGRAM = 200;

/**
 * Per client address. Forged or stale tokens are limited tightly (released when the token
 * opens), so guessing is slow; valid requests only count against a wide flood limit, because
 * one-click POSTs of a whole campaign arrive from a handful of mail-provider addresses and
 * refusing them would leave people subscribed.
 */
const BAD_TOKENS_PER_IP = { limit: 30, windowSeconds: 60 };
const REQUESTS_PER_IP = { limit: 600, windowSeconds: 60 };

export interface UnsubscribeTarget {
  propertyId: string;
  address: string;
  playerId?: string | undefined;
  /** The program the mail belongs to; "unsubscribe from this" revokes only it. */
  program?: string | undefined;
  /** The subscription group the mail was sent to; unsubscribing leaves it. */
  groupId?: string | undefined;
}

/**
 * The sealed JSON: short keys keep the URL short. `k` tells it from the box's other contents
 * (webhook secrets, connection keys), which open under the same key.
 */
interface Sealed {
  k: typeof KIND;
  p: string;
  a: string;
  u?: string;
  r?: string;
  g?: string;
}

export async function unsubscribeToken(deps: Deps, target: UnsubscribeTarget): Promise<string> {
  const address = normalizeAddress('email', target.address);
  if (!address) throw new AppError('validation_failed', 'address is not a valid email address');
  for (const id of [target.propertyId, target.playerId, target.groupId]) {
    if (id !== undefined && !UUID.test(id)) {
      throw new AppError('validation_failed', 'property, player and group ids must be UUIDs');
    }
  }
  if (target.program !== undefined && target.program.length > MAX_PROGRAM) {
    throw new AppError('validation_failed', `program must have at most ${MAX_PROGRAM} characters`);
  }
  const sealed: Sealed = { k: KIND, p: target.propertyId.toLowerCase(), a: address };
  if (target.playerId) sealed.u = target.playerId.toLowerCase();
  if (target.program) sealed.r = target.program;
  if (target.groupId) sealed.g = target.groupId.toLowerCase();
  // The box's output is `v1.<key id>.<iv>.<ciphertext>`, all base64url: one safe path segment.
  return deps.secrets.seal(JSON.stringify(sealed));
}

export async function unsubscribeUrl(deps: Deps, target: UnsubscribeTarget): Promise<string> {
  return `${deps.config.publicUrl}/u/${await unsubscribeToken(deps, target)}`;
}

/**
 * The headers the email send path adds to every marketing mail (RFC 2369 + RFC 8058). Gmail and
 * Yahoo honour one-click only over HTTPS, so PUBLIC_URL must be an https URL in production.
 */
export async function unsubscribeHeaders(
  deps: Deps,
  target: UnsubscribeTarget,
): Promise<{ 'List-Unsubscribe': string; 'List-Unsubscribe-Post': string }> {
  return {
    'List-Unsubscribe': `<${await unsubscribeUrl(deps, target)}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}

const notFound = () => new AppError('not_found', 'This unsubscribe link is not valid');

/**
 * The box's shape (`v1.<key id>.<12-byte iv>.<ciphertext + 16-byte tag>`), checked first: the
 * cipher throws plain errors on a wrong IV or tag length, which would read as our failure.
 */
const SHAPE = /^v1\.[0-9a-f]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{23,}$/;

async function openToken(deps: Deps, token: string): Promise<Sealed> {
  if (!SHAPE.test(token)) throw notFound();
  let text: string;
  try {
    text = await deps.secrets.open(token);
  } catch (error) {
    // A forged, truncated or foreign-key token; anything else (the key not loading) is ours.
    if (error instanceof SecretBoxError) throw notFound();
    throw error;
  }
  let parsed: Partial<Sealed> | null;
  try {
    parsed = JSON.parse(text) as Partial<Sealed> | null;
  } catch {
    throw notFound();
  }
  const ok =
    parsed?.k === KIND &&
    typeof parsed.p === 'string' &&
    UUID.test(parsed.p) &&
    typeof parsed.a === 'string' &&
    (parsed.u === undefined || UUID.test(parsed.u)) &&
    (parsed.g === undefined || UUID.test(parsed.g)) &&
    (parsed.r === undefined || typeof parsed.r === 'string');
  if (!ok) throw notFound();
  return parsed as Sealed;
}

/**
 * Counts the request against the flood limit before any work; bad tokens count against their
 * own allowance, peeked (see `withFailureLimit`): a provider's burst of valid one-click POSTs
 * must never meet a 429 caused by its own requests in flight.
 */
async function throttled<T>(deps: Deps, ip: string, work: () => Promise<T>): Promise<T> {
  const subject = ipSubject(ip);
  await countAttempt(
    deps.rateLimiter,
    `unsubscribe:ip:${subject}`,
    REQUESTS_PER_IP,
    'Too many unsubscribe requests from this address',
  );
  return withFailureLimit(
    deps.rateLimiter,
    `unsubscribe:bad:${subject}`,
    BAD_TOKENS_PER_IP,
    'Too many invalid unsubscribe links from this address',
    (error) => error instanceof AppError && error.code === 'not_found',
    work,
  );
}

/** `j***@example.com`: enough for a person to recognise the address, not to harvest it. */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  return `${address.slice(0, Math.min(1, at))}***${address.slice(at)}`;
}

export interface UnsubscribePage {
  propertyName: string;
  maskedAddress: string;
  program: string | null;
  groupName: string | null;
}

async function pageOf(deps: Deps, sealed: Sealed): Promise<UnsubscribePage> {
  const property = await deps.database.db
    .selectFrom('properties')
    .select('name')
    .where('id', '=', sealed.p)
    .executeTakeFirst();
  if (!property) throw notFound();
  const group = sealed.g
    ? await deps.database.db
        .selectFrom('subscription_groups')
        .select('name')
        .where('property_id', '=', sealed.p)
        .where('id', '=', sealed.g)
        .executeTakeFirst()
    : undefined;
  return {
    propertyName: property.name,
    maskedAddress: maskAddress(sealed.a),
    program: sealed.r ?? null,
    groupName: group?.name ?? null,
  };
}

/** What the unsubscribe page shows; changes nothing (link scanners fetch it unasked). */
export function unsubscribePage(
  deps: Deps,
  token: string,
  client: { ip: string },
): Promise<UnsubscribePage> {
  return throttled(deps, client.ip, async () => pageOf(deps, await openToken(deps, token)));
}

export interface UnsubscribeRequest {
  /** `this`: the token's program (every program when it names none); `all`: every program. */
  scope: 'this' | 'all';
  via: 'one_click' | 'page';
  ip: string;
  userAgent?: string | undefined;
}

export interface UnsubscribeResult extends UnsubscribePage {
  /** False when the address had already revoked what was asked: nothing new was recorded. */
  recorded: boolean;
}

/**
 * Records a revocation of marketing email for the token's address (and leaves its subscription
 * group), in one transaction. Idempotent: when the newest record covering the program is already
 * a revocation, a repeat (a provider retrying its POST, a second click) records nothing.
 */
export function unsubscribe(
  deps: Deps,
  token: string,
  request: UnsubscribeRequest,
): Promise<UnsubscribeResult> {
  return throttled(deps, request.ip, async () => {
    const sealed = await openToken(deps, token);
    const page = await pageOf(deps, sealed);
    const program = request.scope === 'this' ? (sealed.r ?? null) : null;
    const now = deps.clock.now();
    const recorded = await deps.database.db.transaction().execute(async (trx) => {
      // Serializes unsubscribes of one address, so two clicks cannot both see "not yet revoked".
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`email:${sealed.p}:${sealed.a}`}))`.execute(
        trx,
      );
      const newest = await trx
        .selectFrom('consents')
        .select('action')
        .where('property_id', '=', sealed.p)
        .where('channel', '=', 'email')
        .where('address', '=', sealed.a)
        .where((eb) => eb.or([eb('purpose', 'is', null), eb('purpose', '=', 'marketing')]))
        .where((eb) =>
          program === null
            ? eb('program', 'is', null).or('action', '=', 'grant')
            : eb.or([eb('program', 'is', null), eb('program', '=', program)]),
        )
        .orderBy('captured_at', 'desc')
        .orderBy('recorded_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (sealed.g && sealed.u) {
        // The player or group may be gone since the mail was sent: then there is nothing to leave.
        await sql`
          INSERT INTO subscription_members (property_id, group_id, player_id, subscribed, changed_at)
          SELECT g.property_id, g.id, p.id, false, ${now}
            FROM subscription_groups g JOIN players p ON p.property_id = g.property_id
           WHERE g.property_id = ${sealed.p} AND g.id = ${sealed.g} AND p.id = ${sealed.u}
          ON CONFLICT (group_id, player_id) DO UPDATE
             SET subscribed = false, changed_at = EXCLUDED.changed_at
           WHERE subscription_members.subscribed`.execute(trx);
      }
      if (newest?.action === 'revoke') return false;
      // The record names the player only while the profile is this property's.
      const player = sealed.u
        ? await trx
            .selectFrom('players')
            .select('id')
            .where('property_id', '=', sealed.p)
            .where('id', '=', sealed.u)
            .executeTakeFirst()
        : undefined;
      await trx
        .insertInto('consents')
        .values({
          property_id: sealed.p,
          player_id: player?.id ?? null,
          channel: 'email',
          address: sealed.a,
          action: 'revoke',
          consent_type: null,
          purpose: 'marketing',
          program,
          captured_at: now,
          source: JSON.stringify({
            method: request.via === 'one_click' ? 'email_one_click' : 'email_unsubscribe_page',
            scope: request.scope,
            ip: request.ip,
            user_agent: request.userAgent?.slice(0, MAX_USER_AGENT) ?? null,
          }),
          disclosure_version: null,
          esign_disclosure_shown: null,
          evidence: null,
        })
        .execute();
      return true;
    });
    return { ...page, recorded };
  });
}

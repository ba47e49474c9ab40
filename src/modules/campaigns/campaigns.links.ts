import { randomInt, randomUUID } from 'node:crypto';
import type { Deps } from '../../deps.ts';
import { unsubscribeUrl } from '../compliance/index.ts';
import { type LinkMinter, SHORT_LINK_CODE_LENGTH, SHORT_LINK_PATH } from '../content/index.ts';

// The links a campaign's messages carry: one single-use session per recipient and tag, SMS
// short links, and (email) tracked clicks and an open pixel, signed so the redirect only ever
// goes where the message itself pointed.

export interface MintedSession {
  token: string;
  org_id: number;
  game_id: number | null;
  stream_id: number | null;
  external_ref: string;
  metadata: string;
  expires_at: Date;
  created_at: Date;
}

export interface MintedShortLink {
  code: string;
  property_id: string;
  message_id: string;
  url: string;
  expires_at: Date;
}

export interface Recipient {
  messageId: string;
  playerId: string;
  email: string | null;
}

export interface CampaignFacts {
  id: string;
  property_id: string;
  org_id: number;
  program: string | null;
  subscription_group_id: string | null;
  links_expire_at: Date;
  /** More for the minted sessions' metadata (a journey's run, so its play finds the run). */
  metadata?: Record<string, string>;
}

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** 10 base-62 characters: 59 bits, unguessable among the links that exist at any time. */
export function shortCode(): string {
  let code = '';
  for (let i = 0; i < SHORT_LINK_CODE_LENGTH; i += 1) code += ALPHABET[randomInt(62)];
  return code;
}

/**
 * Mints links for a batch of recipients without writing anything: the sessions and short links
 * are collected and written by the planner in the batch's transaction, with the messages that
 * carry them, so a crash leaves neither a message without its session nor a session without
 * its message.
 */
export class BatchMinter {
  readonly sessions: MintedSession[] = [];
  readonly shortLinks: MintedShortLink[] = [];
  private readonly deps: Deps;
  private readonly campaign: CampaignFacts;
  private readonly now: Date;

  constructor(deps: Deps, campaign: CampaignFacts, now: Date) {
    this.deps = deps;
    this.campaign = campaign;
    this.now = now;
  }

  forRecipient(recipient: Recipient): LinkMinter {
    const link = (kind: 'game' | 'stream', id: number, short: boolean): Promise<string> => {
      const token = randomUUID();
      this.sessions.push({
        token,
        org_id: this.campaign.org_id,
        game_id: kind === 'game' ? id : null,
        stream_id: kind === 'stream' ? id : null,
        // The message, so /api/sessions?external_ref=<message id> finds the session it minted.
        external_ref: recipient.messageId,
        // The return path's convention (players.activity.ts): the play lands on this player.
        metadata: JSON.stringify({
          player_id: recipient.playerId,
          property_id: this.campaign.property_id,
          campaign_id: this.campaign.id,
          message_id: recipient.messageId,
          ...this.campaign.metadata,
        }),
        expires_at: this.campaign.links_expire_at,
        created_at: this.now,
      });
      const url = `${this.deps.config.publicUrl}/play/${kind}/${id}?session_token=${token}`;
      if (!short) return Promise.resolve(url);
      const code = shortCode();
      this.shortLinks.push({
        code,
        property_id: this.campaign.property_id,
        message_id: recipient.messageId,
        url,
        expires_at: this.campaign.links_expire_at,
      });
      return Promise.resolve(`${this.deps.config.publicUrl}${SHORT_LINK_PATH}${code}`);
    };
    return {
      gameLink: (gameId, { short }) => link('game', gameId, short),
      streamLink: (streamId, { short }) => link('stream', streamId, short),
      unsubscribeUrl: () =>
        recipient.email
          ? unsubscribeUrl(this.deps, {
              propertyId: this.campaign.property_id,
              address: recipient.email,
              playerId: recipient.playerId,
              program: this.campaign.program ?? undefined,
              groupId: this.campaign.subscription_group_id ?? undefined,
            })
          : // An SMS recipient opts out by replying STOP; a template may still print the tag.
            Promise.resolve(''),
    };
  }
}

const CLICK = 'campaign-click';
const OPEN = 'campaign-open';

const unescapeHtml = (text: string) =>
  text
    .replaceAll('&#34;', '"')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
const escapeAttribute = (text: string) => text.replaceAll('&', '&amp;').replaceAll('"', '&#34;');

/**
 * The email's HTML with every http(s) link sent through the click redirect (the unsubscribe
 * link excepted: it must work without PlayLoop's redirect) and an open pixel at the end.
 */
export async function trackLinks(deps: Deps, messageId: string, html: string): Promise<string> {
  const base = deps.config.publicUrl;
  // Anchors only: a stylesheet's or an image's URL must stay as it is.
  const anchor = /(<a\b[^>]*?\bhref\s*=\s*")(https?:\/\/[^"]*)(")/gi;
  const targets = new Map<string, string>();
  for (const match of html.matchAll(anchor)) {
    const url = unescapeHtml(match[2] ?? '');
    if (url.startsWith(`${base}/u/`) || targets.has(url)) continue;
    const tag = await deps.secrets.sign(CLICK, `${messageId} ${url}`);
    targets.set(url, `${base}/c/${messageId}?u=${encodeURIComponent(url)}&s=${tag}`);
  }
  let tracked = html.replace(anchor, (whole, open: string, raw: string, close: string) => {
    const target = targets.get(unescapeHtml(raw));
    return target ? `${open}${escapeAttribute(target)}${close}` : whole;
  });
  const pixel = `<img src="${base}/o/${messageId}?s=${await deps.secrets.sign(OPEN, messageId)}" width="1" height="1" alt="" style="display:block;height:1px;width:1px;border:0" />`;
  tracked = /<\/body>/i.test(tracked)
    ? tracked.replace(/<\/body>/i, `${pixel}</body>`)
    : tracked + pixel;
  return tracked;
}

/** Whether `url` is a link PlayLoop put in message `messageId` (the click's signature). */
export function isTrackedClick(
  deps: Deps,
  messageId: string,
  url: string,
  tag: string,
): Promise<boolean> {
  return deps.secrets.verify(CLICK, `${messageId} ${url}`, tag);
}

export function isTrackedOpen(deps: Deps, messageId: string, tag: string): Promise<boolean> {
  return deps.secrets.verify(OPEN, messageId, tag);
}

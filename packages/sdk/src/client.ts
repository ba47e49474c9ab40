import { Sessions } from './dailyplay.ts';
import { PlayLoopError, type RequestOptions, Transport } from './http.ts';
import { Journeys, Webhooks } from './automation.ts';
import { Campaigns, Content } from './campaigns.ts';
import { Consent, Privacy } from './compliance.ts';
import { Players, Segments } from './players.ts';

export interface PlayLoopOptions {
  /** The PlayerOS key (`pk_…`); default `PLAYLOOP_API_KEY`. A `dpk_` key here serves sessions. */
  apiKey?: string | undefined;
  /** The DailyPlay key (`dpk_…`) for sessions; default `PLAYLOOP_DAILYPLAY_KEY`. */
  dailyPlayKey?: string | undefined;
  /** Default `PLAYLOOP_URL`, else `http://localhost:3000`. */
  baseUrl?: string | undefined;
  /**
   * The key's property, which PlayerOS's send-campaign body names; default
   * `PLAYLOOP_PROPERTY_ID`, else read once from the property's players.
   */
  propertyId?: string | undefined;
  /** Per attempt, in milliseconds (default 30 000). */
  timeoutMs?: number | undefined;
  /** Retries of safe calls (default 2); 0 turns them off. */
  maxRetries?: number | undefined;
  /** The longest Retry-After the client waits out (default 60 000 ms); longer ones throw. */
  maxRetryDelayMs?: number | undefined;
  /** A fetch to use instead of the global one. */
  fetch?: typeof fetch | undefined;
}

export const VERSION = '0.1.0';

function env(name: string): string | undefined {
  const value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env?.[name];
  return value === '' ? undefined : value;
}

/**
 * The PlayLoop client: `new PlayLoop({ apiKey: 'pk_…' }).players.list({ limit: 50, q: 'gold' })`.
 * Every failed call throws a PlayLoopError.
 */
export class PlayLoop {
  readonly players: Players;
  readonly segments: Segments;
  readonly content: Content;
  readonly campaigns: Campaigns;
  readonly consent: Consent;
  readonly privacy: Privacy;
  readonly webhooks: Webhooks;
  readonly journeys: Journeys;
  readonly sessions: Sessions;
  readonly baseUrl: string;
  readonly #transport: Transport;
  #propertyId: Promise<string> | undefined;

  constructor(options: PlayLoopOptions = {}) {
    const apiKey = options.apiKey ?? env('PLAYLOOP_API_KEY');
    const dailyPlayKey =
      options.dailyPlayKey ??
      env('PLAYLOOP_DAILYPLAY_KEY') ??
      (apiKey?.startsWith('dpk_') ? apiKey : undefined);
    this.baseUrl = options.baseUrl ?? env('PLAYLOOP_URL') ?? 'http://localhost:3000';
    const fetchImpl = options.fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== 'function') {
      throw new TypeError('No fetch: PlayLoop needs Node 18 or later, or pass options.fetch');
    }
    this.#transport = new Transport({
      baseUrl: this.baseUrl,
      propertyKey: apiKey?.startsWith('dpk_') ? undefined : apiKey,
      dailyPlayKey,
      timeoutMs: options.timeoutMs ?? 30_000,
      maxRetries: options.maxRetries ?? 2,
      maxRetryDelayMs: options.maxRetryDelayMs ?? 60_000,
      fetch: fetchImpl,
      userAgent: `playloop-sdk/${VERSION}`,
    });
    const propertyId = options.propertyId ?? env('PLAYLOOP_PROPERTY_ID');
    if (propertyId !== undefined) this.#propertyId = Promise.resolve(propertyId);
    const t = this.#transport;
    this.players = new Players(t);
    this.segments = new Segments(t);
    this.content = new Content(t);
    this.campaigns = new Campaigns(t, (o) => this.propertyId(o));
    this.consent = new Consent(t);
    this.privacy = new Privacy(t);
    this.webhooks = new Webhooks(t);
    this.journeys = new Journeys(t);
    this.sessions = new Sessions(t);
  }

  /**
   * The key's property id. The API has no "who am I" call for pk_ keys, so without
   * `propertyId` it is read from one of the property's players (every query is confined to
   * the key's property) and kept.
   */
  propertyId(o?: RequestOptions): Promise<string> {
    this.#propertyId ??= this.#transport
      .request<{ data: { property_id: string }[] }>({
        method: 'GET',
        path: '/api/players',
        query: [
          ['select', 'property_id'],
          ['limit', 1],
          ['count', 'none'],
        ],
        key: 'property',
        ...o,
      })
      .then((answer) => {
        const found = answer.body.data[0]?.property_id;
        if (found === undefined) {
          throw new PlayLoopError(
            0,
            'property_unknown',
            'The property has no players to learn its id from: pass propertyId (or PLAYLOOP_PROPERTY_ID)',
          );
        }
        return found;
      });
    // A failed lookup is not kept: the next call tries again.
    this.#propertyId.catch(() => (this.#propertyId = undefined));
    return this.#propertyId;
  }
}

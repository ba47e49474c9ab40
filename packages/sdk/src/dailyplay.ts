/**
 * The DailyPlay side (dpk_ keys): one-time game sessions. A session is created by your server
 * for one player (`external_ref`), its `play_url` sent to them; the game validates and consumes
 * the token, and a token plays once.
 */
import type { RequestOptions, Transport } from './http.ts';
import type {
  Session,
  SessionConsumed,
  SessionInput,
  SessionListItem,
  SessionListQuery,
  SessionStatus,
} from './types.ts';

const ROUTE = '/api/org-api-keys';

export class Sessions {
  readonly #t: Transport;
  constructor(t: Transport) {
    this.#t = t;
  }

  /** `create({ game_id: 1, external_ref: 'crm-42' })` → `{ token, play_url, expires_at, … }`. */
  async create(input: SessionInput, o?: RequestOptions): Promise<Session> {
    const answer = await this.#t.request<{ data: Session }>({
      method: 'POST',
      path: ROUTE,
      query: [['action', 'create-session']],
      body: input,
      key: 'dailyplay',
      ...o,
    });
    return answer.body.data;
  }
  /** Whether a token can still be played, and its status (needs no key). */
  async validate(token: string, o?: RequestOptions): Promise<SessionStatus> {
    const answer = await this.#t.request<{ data: SessionStatus }>({
      method: 'GET',
      path: ROUTE,
      query: [
        ['action', 'validate-session'],
        ['token', token],
      ],
      key: 'none',
      ...o,
    });
    return answer.body.data;
  }
  /** Uses the token up: exactly one consume succeeds, a second is a 410 PlayLoopError. */
  async consume(
    token: string,
    input: { player_uuid?: string | null } = {},
    o?: RequestOptions,
  ): Promise<SessionConsumed> {
    const answer = await this.#t.request<{ data: SessionConsumed }>({
      method: 'POST',
      path: ROUTE,
      query: [['action', 'consume-session']],
      body: { token, ...input },
      key: 'none',
      ...o,
    });
    return answer.body.data;
  }
  /** Withdraws an unplayed token. */
  async revoke(token: string, o?: RequestOptions): Promise<void> {
    await this.#t.request({
      method: 'POST',
      path: ROUTE,
      query: [['action', 'revoke-session']],
      body: { token },
      key: 'dailyplay',
      ...o,
    });
  }
  /** The key's organization's sessions, newest first; pass `next` as `cursor`. */
  async list(
    params: SessionListQuery = {},
    o?: RequestOptions,
  ): Promise<{ data: SessionListItem[]; next: number | null }> {
    const answer = await this.#t.request<{ data: SessionListItem[]; next_cursor?: number | null }>({
      method: 'GET',
      path: ROUTE,
      query: [['action', 'list-sessions'], ...Object.entries(params)],
      key: 'dailyplay',
      ...o,
    });
    return { data: answer.body.data, next: answer.body.next_cursor ?? null };
  }
}

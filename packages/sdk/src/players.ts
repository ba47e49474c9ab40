/** Players and segments (PlayerOS, pk_ keys). */
import type { RequestOptions, Transport } from './http.ts';
import { listParams } from './query.ts';
import { cursorPage, data, id, page } from './resource.ts';
import type {
  AudiencePreviewInput,
  BatchResult,
  CursorPage,
  DataOf,
  ListPlayersParams,
  Page,
  Player,
  PlayerActivity,
  PlayerInput,
  Segment,
  SegmentInput,
  SegmentUpdate,
} from './types.ts';

export class Players {
  readonly #t: Transport;
  constructor(t: Transport) {
    this.#t = t;
  }

  /** A page of players with the total: `list({ limit: 50, q: 'gold', filter: { status: 'active' } })`. */
  list(params: ListPlayersParams = {}, o?: RequestOptions): Promise<Page<Player>> {
    return page<Player>(this.#t, '/api/players', listParams(params), o);
  }
  /** By PlayLoop's id (uuid) or the casino's player_id. */
  get(playerId: string, o?: RequestOptions): Promise<Player> {
    return data(this.#t, { method: 'GET', path: `/api/players/${id(playerId)}`, ...o });
  }
  create(player: PlayerInput, o?: RequestOptions): Promise<Player> {
    return data(this.#t, { method: 'POST', path: '/api/players', body: player, ...o });
  }
  update(playerId: string, changes: PlayerInput, o?: RequestOptions): Promise<Player> {
    return data(this.#t, {
      method: 'PATCH',
      path: `/api/players/${id(playerId)}`,
      body: changes,
      ...o,
    });
  }
  async delete(playerId: string, o?: RequestOptions): Promise<void> {
    await this.#t.request({
      method: 'DELETE',
      path: `/api/players/${id(playerId)}`,
      key: 'property',
      ...o,
    });
  }
  /** Plays, prizes and casino events of a player, newest first; pass `next` as `cursor`. */
  activity(
    playerId: string,
    params: { limit?: number; cursor?: number | string } = {},
    o?: RequestOptions,
  ): Promise<CursorPage<PlayerActivity>> {
    const query = Object.entries(params);
    const path = `/api/players/${id(playerId)}/activity`;
    return cursorPage<PlayerActivity>(this.#t, path, query, 'next_cursor', o);
  }
  /** Upserts by player_id; rows that fail are listed in `errors` by index, the rest are written. */
  batch(players: readonly PlayerInput[], o?: RequestOptions): Promise<BatchResult> {
    return data(this.#t, { method: 'POST', path: '/api/players/batch', body: { players }, ...o });
  }
}

export class Segments {
  readonly #t: Transport;
  constructor(t: Transport) {
    this.#t = t;
  }

  list(params: { limit?: number; after?: string } = {}, o?: RequestOptions) {
    const query = Object.entries(params);
    return cursorPage<Segment>(this.#t, '/api/segments', query, 'next_after', o);
  }
  get(segmentId: string, o?: RequestOptions): Promise<Segment> {
    return data(this.#t, { method: 'GET', path: `/api/segments/${id(segmentId)}`, ...o });
  }
  create(segment: SegmentInput, o?: RequestOptions): Promise<Segment> {
    return data(this.#t, { method: 'POST', path: '/api/segments', body: segment, ...o });
  }
  update(segmentId: string, changes: SegmentUpdate, o?: RequestOptions): Promise<Segment> {
    return data(this.#t, {
      method: 'PATCH',
      path: `/api/segments/${id(segmentId)}`,
      body: changes,
      ...o,
    });
  }
  async delete(segmentId: string, o?: RequestOptions): Promise<void> {
    await data(this.#t, { method: 'DELETE', path: `/api/segments/${id(segmentId)}`, ...o });
  }
  /** The segment's players, paged like players.list. */
  players(
    segmentId: string,
    params: Omit<ListPlayersParams, 'q' | 'filter'> = {},
    o?: RequestOptions,
  ): Promise<Page<Player>> {
    return page<Player>(this.#t, `/api/segments/${id(segmentId)}/players`, listParams(params), o);
  }
  count(segmentId: string, o?: RequestOptions): Promise<DataOf<'/api/segments/{id}/count', 'get'>> {
    return data(this.#t, { method: 'GET', path: `/api/segments/${id(segmentId)}/count`, ...o });
  }
  /** Who an audience would reach and who the pre-send check would skip, without sending. */
  previewAudience(
    input: AudiencePreviewInput,
    o?: RequestOptions,
  ): Promise<DataOf<'/api/functions/audience-preview', 'post'>> {
    return data(this.#t, {
      method: 'POST',
      path: '/api/functions/audience-preview',
      body: input,
      ...o,
    });
  }
}

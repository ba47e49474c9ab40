/** Webhooks and journeys (PlayerOS, pk_ keys). */
import type { RequestOptions, Transport } from './http.ts';
import { cursorPage, data, id } from './resource.ts';
import type {
  CursorPage,
  Journey,
  JourneyEnterInput,
  JourneyEntered,
  JourneyInput,
  JourneyRun,
  JourneyStats,
  JourneyUpdate,
  Webhook,
  WebhookCreated,
  WebhookInput,
} from './types.ts';

export class Webhooks {
  readonly #t: Transport;
  constructor(t: Transport) {
    this.#t = t;
  }

  list(o?: RequestOptions): Promise<Webhook[]> {
    return data(this.#t, { method: 'GET', path: '/api/webhooks', ...o });
  }
  /** The signing secret is in this answer only. */
  create(input: WebhookInput, o?: RequestOptions): Promise<WebhookCreated> {
    return data(this.#t, { method: 'POST', path: '/api/webhooks', body: input, ...o });
  }
  get(webhookId: string, o?: RequestOptions): Promise<Webhook> {
    return data(this.#t, { method: 'GET', path: `/api/webhooks/${id(webhookId)}`, ...o });
  }
  async delete(webhookId: string, o?: RequestOptions): Promise<void> {
    await data(this.#t, { method: 'DELETE', path: `/api/webhooks/${id(webhookId)}`, ...o });
  }
}

export class Journeys {
  readonly #t: Transport;
  constructor(t: Transport) {
    this.#t = t;
  }

  list(
    params: { status?: Journey['status']; limit?: number; before?: string } = {},
    o?: RequestOptions,
  ) {
    const query = Object.entries(params);
    return cursorPage<Journey>(this.#t, '/api/journeys', query, 'next_before', o);
  }
  get(journeyId: string, o?: RequestOptions): Promise<Journey> {
    return data(this.#t, { method: 'GET', path: `/api/journeys/${id(journeyId)}`, ...o });
  }
  create(journey: JourneyInput, o?: RequestOptions): Promise<Journey> {
    return data(this.#t, { method: 'POST', path: '/api/journeys', body: journey, ...o });
  }
  update(journeyId: string, changes: JourneyUpdate, o?: RequestOptions): Promise<Journey> {
    return data(this.#t, {
      method: 'PATCH',
      path: `/api/journeys/${id(journeyId)}`,
      body: changes,
      ...o,
    });
  }
  async delete(journeyId: string, o?: RequestOptions): Promise<void> {
    await data(this.#t, { method: 'DELETE', path: `/api/journeys/${id(journeyId)}`, ...o });
  }
  publish(journeyId: string, o?: RequestOptions): Promise<Journey> {
    return this.#act(journeyId, 'publish', o);
  }
  pause(journeyId: string, o?: RequestOptions): Promise<Journey> {
    return this.#act(journeyId, 'pause', o);
  }
  resume(journeyId: string, o?: RequestOptions): Promise<Journey> {
    return this.#act(journeyId, 'resume', o);
  }
  archive(journeyId: string, o?: RequestOptions): Promise<Journey> {
    return this.#act(journeyId, 'archive', o);
  }
  stats(journeyId: string, o?: RequestOptions): Promise<JourneyStats> {
    return data(this.#t, { method: 'GET', path: `/api/journeys/${id(journeyId)}/stats`, ...o });
  }
  /** The journey's runs (one per entered player), newest first; pass `next` as `before`. */
  runs(
    journeyId: string,
    params: {
      player_id?: string;
      status?: JourneyRun['status'];
      limit?: number;
      before?: string;
    } = {},
    o?: RequestOptions,
  ): Promise<CursorPage<JourneyRun>> {
    const query = Object.entries(params);
    const path = `/api/journeys/${id(journeyId)}/runs`;
    return cursorPage<JourneyRun>(this.#t, path, query, 'next_before', o);
  }
  /** Enters a player into a journey whose trigger is `api`. */
  enter(journeyId: string, input: JourneyEnterInput, o?: RequestOptions): Promise<JourneyEntered> {
    return data(this.#t, {
      method: 'POST',
      path: `/api/journeys/${id(journeyId)}/enter`,
      body: input,
      ...o,
    });
  }
  #act(journeyId: string, action: string, o?: RequestOptions): Promise<Journey> {
    return data(this.#t, {
      method: 'POST',
      path: `/api/journeys/${id(journeyId)}/${action}`,
      ...o,
    });
  }
}

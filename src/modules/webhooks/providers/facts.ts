// What a DailyPlay connection needs from an event, read from the envelope's `data` by the field
// names of src/modules/events/events.catalog.ts. `data` comes back from jsonb, so it is read
// defensively: a missing or mistyped field is null, never a crash in the delivery job.

/** The event as delivered (see `eventEnvelope` in the events catalog). */
export interface EventEnvelope {
  id: string;
  type: string;
  version: number;
  occurred_at: string | Date;
  org_id: number | null;
  property_id: string | null;
  data: unknown;
}

/** DailyPlay's trigger names for connections. */
export const TRIGGER_EVENTS = [
  'stream_access',
  'play_start',
  'play_complete',
  'prize_redemption',
] as const;
export type TriggerEvent = (typeof TRIGGER_EVENTS)[number];

const TRIGGER_OF: Readonly<Record<string, TriggerEvent>> = {
  'stream.accessed': 'stream_access',
  'play.started': 'play_start',
  'play.completed': 'play_complete',
  'prize.claimed': 'prize_redemption',
};

/** The DailyPlay trigger an event type fires, or null: other types never reach connections. */
export function triggerOf(eventType: string): TriggerEvent | null {
  return TRIGGER_OF[eventType] ?? null;
}

export interface LinkIdentity {
  braze_id: string | null;
  external_id: string | null;
  user_id: string | null;
}

export interface ConnectionFacts {
  trigger: TriggerEvent;
  eventId: string;
  /** ISO 8601. */
  occurredAt: string;
  gameId: number | null;
  streamId: number | null;
  streamSlug: string | null;
  streamName: string | null;
  playId: number | null;
  sessionId: number | null;
  externalRef: string | null;
  metadata: Record<string, unknown> | null;
  playerUuid: string | null;
  /** The brand's id for the player when it vouched for it (signed link or session). */
  externalId: string | null;
  /** A public link's identity parameters, unverified. */
  link: LinkIdentity;
  score: number | null;
  durationMs: number | null;
  outcome: string | null;
  template: string | null;
  prizeName: string | null;
  prizeType: string | null;
  drawId: number | null;
  utm: Record<string, string> | null;
  country: string | null;
  deviceType: string | null;
}

type Bag = Record<string, unknown>;

const isBag = (value: unknown): value is Bag =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (bag: Bag, key: string): string | null => {
  const value = bag[key];
  return typeof value === 'string' && value !== '' ? value : null;
};
const num = (bag: Bag, key: string): number | null => {
  const value = bag[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
};
const stringRecord = (value: unknown): Record<string, string> | null => {
  if (!isBag(value)) return null;
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) if (typeof item === 'string') out[key] = item;
  return out;
};

/** The facts of a connection-worthy event, or null when its type fires no trigger. */
export function connectionFacts(event: EventEnvelope): ConnectionFacts | null {
  const trigger = triggerOf(event.type);
  if (!trigger) return null;
  const data = isBag(event.data) ? event.data : {};
  const link = isBag(data.link) ? data.link : {};
  return {
    trigger,
    eventId: event.id,
    occurredAt: new Date(event.occurred_at).toISOString(),
    gameId: num(data, 'game_id'),
    streamId: num(data, 'stream_id'),
    streamSlug: str(data, 'stream_slug'),
    streamName: str(data, 'stream_name'),
    playId: num(data, 'play_id'),
    sessionId: num(data, 'session_id'),
    externalRef: str(data, 'external_ref'),
    metadata: isBag(data.metadata) ? data.metadata : null,
    playerUuid: str(data, 'player_uuid'),
    externalId: str(data, 'external_id'),
    link: {
      braze_id: str(link, 'braze_id'),
      external_id: str(link, 'external_id'),
      user_id: str(link, 'user_id'),
    },
    score: num(data, 'score'),
    durationMs: num(data, 'duration_ms'),
    outcome: str(data, 'outcome'),
    template: str(data, 'template'),
    prizeName: str(data, 'prize_name'),
    prizeType: str(data, 'prize_type'),
    drawId: num(data, 'draw_id'),
    utm: stringRecord(data.utm),
    country: str(data, 'country'),
    deviceType: str(data, 'device_type'),
  };
}

/** The object without its null and undefined values (for APIs where null would erase data). */
export function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== null && item !== undefined) (out as Bag)[key] = item;
  }
  return out;
}

/**
 * What a play-related custom event carries to an analytics provider (Braze event properties,
 * Segment track properties): the game (its id as a string, as DailyPlay sends it), the stream,
 * the play and the prize, leaving out what the event does not know.
 */
export function playProperties(facts: ConnectionFacts) {
  return compact({
    game_id: facts.gameId === null ? null : String(facts.gameId),
    stream_id: facts.streamId,
    stream_slug: facts.streamSlug,
    stream_name: facts.streamName,
    play_id: facts.playId,
    score: facts.score,
    duration_ms: facts.durationMs,
    outcome: facts.outcome,
    prize_name: facts.prizeName,
    prize_type: facts.prizeType,
  });
}

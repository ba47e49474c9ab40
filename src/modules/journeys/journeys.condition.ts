import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { ianaTimeZone, zonedInstant } from '../../lib/time-zone.ts';
import { listPlayers } from '../players/index.ts';
import { segmentFilter } from '../segments/index.ts';

// A condition node's filter: the players filter grammar over the profile (checked and run by
// the players parser, so it means exactly what it means in GET /api/players), plus
// `event.<field>=<op>.<value>` over the event the run last waited for (or the one that made it
// enter), e.g. `event.score=gte.500&tier=eq.gold`.

const EVENT_OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'is'] as const;
type EventOp = (typeof EVENT_OPS)[number];

interface EventFilter {
  field: string;
  op: EventOp;
  value: string;
}

export interface Condition {
  readonly event: readonly EventFilter[];
  /** The profile part as a players query string ('' = no profile filter). */
  readonly profile: string;
}

const invalid = (message: string) =>
  new AppError('validation_failed', `filter: ${message}`, { field: 'filter' });

/** Splits and checks a filter (400 validation_failed naming what is wrong). */
export function parseCondition(raw: string): Condition {
  const params = new URLSearchParams(raw.trim().replace(/^\?/, ''));
  const event: EventFilter[] = [];
  const profile = new URLSearchParams();
  for (const [key, text] of params) {
    if (!key.startsWith('event.')) {
      profile.append(key, text);
      continue;
    }
    const field = key.slice('event.'.length);
    if (!/^[A-Za-z0-9_]{1,64}(\.[A-Za-z0-9_]{1,64}){0,3}$/.test(field)) {
      throw invalid(`${key} is not an event field`);
    }
    const dot = text.indexOf('.');
    const op = text.slice(0, dot) as EventOp;
    if (dot < 1 || !EVENT_OPS.includes(op)) {
      throw invalid(`${key}: use <op>.<value> with op one of ${EVENT_OPS.join(', ')}`);
    }
    const value = text.slice(dot + 1);
    if (op === 'is' && !['null', 'true', 'false'].includes(value)) {
      throw invalid(`${key}: is takes null, true or false`);
    }
    event.push({ field, op, value });
  }
  const text = profile.toString();
  if (text !== '') segmentFilter(text);
  return { event, profile: text };
}

function valueAt(data: Record<string, unknown>, path: string): unknown {
  let value: unknown = data;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function compare(actual: unknown, expected: string): number | undefined {
  if (typeof actual === 'number' || typeof actual === 'boolean') {
    const wanted = Number(expected);
    const have = Number(actual);
    return Number.isNaN(wanted) ? undefined : Math.sign(have - wanted);
  }
  if (typeof actual === 'string') return actual < expected ? -1 : actual > expected ? 1 : 0;
  return undefined;
}

function holds(filter: EventFilter, data: Record<string, unknown>): boolean {
  const actual = valueAt(data, filter.field);
  if (filter.op === 'is') {
    return filter.value === 'null'
      ? actual === undefined || actual === null
      : actual === (filter.value === 'true');
  }
  if (filter.op === 'in') {
    const items = filter.value.replace(/^\(|\)$/g, '').split(',');
    return items.some((item) => compare(actual, item.trim()) === 0);
  }
  const order = compare(actual, filter.value);
  if (order === undefined) return filter.op === 'neq';
  return {
    eq: order === 0,
    neq: order !== 0,
    gt: order > 0,
    gte: order >= 0,
    lt: order < 0,
    lte: order <= 0,
  }[filter.op];
}

/** Whether the condition holds for the player now, and the event. */
export async function evaluate(
  deps: Deps,
  condition: Condition,
  target: { propertyId: string; playerId: string; event: Record<string, unknown> },
): Promise<boolean> {
  if (!condition.event.every((filter) => holds(filter, target.event))) return false;
  if (condition.profile === '') return true;
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(condition.profile)) {
    const had = query[key];
    query[key] = had === undefined ? value : [...(Array.isArray(had) ? had : [had]), value];
  }
  const page = await listPlayers(deps, target.propertyId, {
    query: { ...query, 'id.eq': target.playerId, select: 'id', limit: '1', count: 'none' },
  });
  return page.rows.length > 0;
}

const WEEKDAY = (date: string) => {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
};

function localDate(at: Date, zone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}

/** The next moment after `now` that is `time` on one of `weekdays` in `zone`. */
export function nextLocalTime(
  now: Date,
  time: string,
  zone: string | null | undefined,
  weekdays: readonly number[] | undefined,
): Date {
  const tz = (zone && ianaTimeZone(zone)) || 'UTC';
  const today = localDate(now, tz);
  for (let day = 0; day <= 8; day += 1) {
    const date = new Date(Date.parse(`${today}T12:00:00Z`) + day * 86_400_000)
      .toISOString()
      .slice(0, 10);
    if (weekdays && !weekdays.includes(WEEKDAY(date))) continue;
    const at = zonedInstant(date, time, tz);
    if (at.getTime() > now.getTime()) return at;
  }
  return new Date(now.getTime() + 86_400_000);
}

/**
 * The canonical IANA name of a time zone ("europe/paris" → "Europe/Paris"), or undefined when
 * the value is not one the runtime knows. UTC offsets such as "+07:00", which Intl also
 * accepts, are refused: a property, stream or player lives in a zone with its own DST rules.
 */
export function ianaTimeZone(value: string): string | undefined {
  const trimmed = value.trim();
  if (trimmed === '' || trimmed.length > 64 || /^[+-]|^\d/.test(trimmed)) return undefined;
  try {
    const zone = new Intl.DateTimeFormat('en-US', { timeZone: trimmed }).resolvedOptions().timeZone;
    return /^[+-]/.test(zone) ? undefined : zone;
  } catch {
    // RangeError: not a zone this runtime knows.
    return undefined;
  }
}

/** Milliseconds `zone` is ahead of UTC at `at`. */
function zoneOffset(at: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  const local = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return local - Math.floor(at / 1000) * 1000;
}

/**
 * The instant a wall-clock time of a date occurs in `zone` ('2026-12-24', '10:00'). A time a
 * DST change skips moves forward by the change (02:30 becomes 03:30); one it repeats is one of
 * its two occurrences.
 */
export function zonedInstant(date: string, time: string, zone: string): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const first = wall - zoneOffset(wall, zone);
  const second = wall - zoneOffset(first, zone);
  return new Date(Math.max(first, second));
}

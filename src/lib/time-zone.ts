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

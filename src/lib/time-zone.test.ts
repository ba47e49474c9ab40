import { describe, expect, it } from 'vitest';
import { ianaTimeZone } from './time-zone.ts';

describe('ianaTimeZone', () => {
  it('returns the canonical name of a known zone', () => {
    expect(ianaTimeZone('america/new_york')).toBe('America/New_York');
    expect(ianaTimeZone(' Asia/Bangkok ')).toBe('Asia/Bangkok');
    expect(ianaTimeZone('utc')).toBe('UTC');
    expect(ianaTimeZone('Etc/GMT+5')).toBe('Etc/GMT+5');
  });

  it('refuses offsets, unknown names and oversized input', () => {
    for (const value of [
      '+01:00',
      '-05:00',
      '+0700',
      '07:00',
      'Mars/Olympus',
      '',
      ' ',
      'x'.repeat(65),
    ]) {
      expect(ianaTimeZone(value), value).toBeUndefined();
    }
  });
});

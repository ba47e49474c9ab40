import { describe, expect, it } from 'vitest';
import {
  DAILYPLAY_KEY_PATTERN,
  newDailyPlayKey,
  newPropertyKey,
  newUserToken,
  PROPERTY_KEY_PATTERN,
  sha256Hex,
} from './secrets.ts';

describe('secrets', () => {
  it('makes dpk_ keys of 40 hex characters with an 8-character prefix and their SHA-256', () => {
    const { key, hash, prefix } = newDailyPlayKey();
    expect(key).toMatch(DAILYPLAY_KEY_PATTERN);
    expect(key).toHaveLength(44);
    expect(prefix).toBe(key.slice(0, 8));
    expect(hash).toBe(sha256Hex(key));
    expect(hash).not.toContain(key.slice(4));
  });

  it('makes pk_ keys of 48 hex characters with an 8-character prefix and their SHA-256', () => {
    const { key, hash, prefix } = newPropertyKey();
    expect(key).toMatch(PROPERTY_KEY_PATTERN);
    expect(key).toHaveLength(51);
    expect(prefix).toBe(key.slice(0, 8));
    expect(hash).toBe(sha256Hex(key));
  });

  it('never makes the same key twice', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => newDailyPlayKey().key));
    expect(keys.size).toBe(1000);
  });

  it('makes user tokens whose hash differs from the token', () => {
    const { token, hash } = newUserToken();
    expect(token.startsWith('pls_')).toBe(true);
    expect(hash).toBe(sha256Hex(token));
  });
});

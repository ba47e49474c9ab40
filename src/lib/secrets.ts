import { createHash, randomBytes } from 'node:crypto';

export const DAILYPLAY_KEY_PATTERN = /^dpk_[0-9a-f]{40}$/;

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** A DailyPlay API key: `dpk_` + 40 hex (160 random bits), displayed by its first 8 characters. */
export function newDailyPlayKey(): { key: string; hash: string; prefix: string } {
  const key = `dpk_${randomBytes(20).toString('hex')}`;
  return { key, hash: sha256Hex(key), prefix: key.slice(0, 8) };
}

/** An opaque user bearer token (256 random bits); only its hash is stored. */
export function newUserToken(): { token: string; hash: string } {
  const token = `pls_${randomBytes(32).toString('base64url')}`;
  return { token, hash: sha256Hex(token) };
}

export const PROPERTY_KEY_PATTERN = /^pk_[0-9a-f]{48}$/;

/** A PlayerOS property key: `pk_` + 48 hex (192 random bits), displayed by its first 8 characters. */
export function newPropertyKey(): { key: string; hash: string; prefix: string } {
  const key = `pk_${randomBytes(24).toString('hex')}`;
  return { key, hash: sha256Hex(key), prefix: key.slice(0, 8) };
}

/** A token mailed inside a link (password reset, invitation): 256 random bits, URL-safe. */
export function newLinkToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: sha256Hex(token) };
}

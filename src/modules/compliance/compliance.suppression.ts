import { createHash } from 'node:crypto';

/**
 * The suppression list's identifiers (table `suppressions`): SHA-256 hex of one normalized value,
 * so the list names nobody in clear and outlives an erasure. Every writer and every reader (the
 * pre-send check, ingest) must normalize the same way:
 * - `email:` + the address trimmed and lower-cased (`email:ann@example.com`);
 * - `phone:` + the number in E.164 (`phone:+17025550100`), as players and consents store it;
 * - `player_id:` + the casino's player id, trimmed, case kept (`player_id:100234`).
 */
export type SuppressionKind = 'email' | 'phone' | 'player_id';

/** The hash of one identifier, or null when the value is empty after normalization. */
export function suppressionHash(kind: SuppressionKind, value: string): string | null {
  const trimmed = value.trim();
  const normalized = kind === 'email' ? trimmed.toLowerCase() : trimmed;
  if (normalized === '') return null;
  return createHash('sha256').update(`${kind}:${normalized}`, 'utf8').digest('hex');
}

/** The hashes of every identifier a player carries (email, phone, casino id), without repeats. */
export function suppressionHashes(player: {
  readonly email?: string | null | undefined;
  readonly phone?: string | null | undefined;
  readonly player_id?: string | null | undefined;
}): string[] {
  const hashes = [
    player.email ? suppressionHash('email', player.email) : null,
    player.phone ? suppressionHash('phone', player.phone) : null,
    player.player_id ? suppressionHash('player_id', player.player_id) : null,
  ].filter((hash): hash is string => hash !== null);
  return [...new Set(hashes)];
}

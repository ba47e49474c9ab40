import { createHash } from 'node:crypto';

/** How a privacy request names its subject after erasure: PlayLoop's id, hashed. */
export const subjectHash = (playerId: string): string =>
  createHash('sha256').update(`player:${playerId.toLowerCase()}`, 'utf8').digest('hex');

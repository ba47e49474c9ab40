import { randomUUID } from 'node:crypto';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { insertSession } from './sessions.batched.ts';
import { DEFAULT_EXPIRES_IN_MINUTES, playUrl } from './sessions.service.ts';

export interface PlayerGameLink {
  token: string;
  url: string;
  game_id: number;
  player_id: string;
  expires_at: Date;
}

/**
 * A one-time game link for a player of a property, minted as a campaign's `{% game_link %}`
 * mints one (campaigns.links.ts): a single-use session of the property's organization whose
 * metadata names the player and the property, so the play lands on the player's timeline
 * (the return path, players.activity.ts). The caller has already found the player in the
 * property; another organization's game is refused by the session's composite foreign key.
 */
export async function createPlayerGameLink(
  deps: Deps,
  property: { id: string; orgId: number },
  input: { playerId: string; gameId: number; expiresInMinutes?: number | undefined },
): Promise<PlayerGameLink> {
  const now = deps.clock.now();
  const minutes = input.expiresInMinutes ?? DEFAULT_EXPIRES_IN_MINUTES;
  try {
    const row = await insertSession(deps.database, {
      orgId: property.orgId,
      token: randomUUID(),
      apiKeyId: null,
      gameId: input.gameId,
      streamId: null,
      externalRef: input.playerId,
      metadataJson: JSON.stringify({ player_id: input.playerId, property_id: property.id }),
      expiresAt: new Date(now.getTime() + minutes * 60_000),
      createdAt: now,
    });
    return {
      token: row.token,
      url: playUrl(deps, row),
      game_id: input.gameId,
      player_id: input.playerId,
      expires_at: row.expires_at,
    };
  } catch (error) {
    if ((error as { code?: string }).code === '23503') {
      throw new AppError('not_found', 'Game not found');
    }
    throw error;
  }
}

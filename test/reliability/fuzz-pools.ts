import type { PropertyTenant, Tenant } from '../factories.ts';
import { unique } from '../factories.ts';
import type { Pools } from './fuzz-schema.ts';

/** What makeWorld made, by id. */
export interface WorldObjects {
  a: Tenant;
  b: Tenant;
  pa: PropertyTenant;
  pb: PropertyTenant;
  viewerId: number;
  spareKeyId: number;
  sparePkId: string;
  /** Session tokens: four of tenant a's games, then two of b's. */
  tokens: string[];
  voucherSetId: number;
  invitationId: string;
  /** Players FUZZ-1 … FUZZ-30 of property pa; 21 to 30 are the ones DELETE cases aim at. */
  players: { id: string; player_id: string }[];
  streamSlug: string;
  doomed: {
    games: number[];
    streams: number[];
    sets: number[];
    members: number[];
    invitations: string[];
  };
}

/**
 * The ids the fuzzer aims at, by field or path parameter name (`game_id`, `games.id`), and
 * `delete:games.id` for DELETE cases. `pools` mixes every tenant (cross-tenant requests must
 * be 404); `ownPools` holds only what the fuzzer's own credentials may act on, plus valid
 * values of fields the services check beyond the schema (phone, country …).
 */
export function makePools(o: WorldObjects): { pools: Pools; ownPools: Pools } {
  const { a, b, pa, pb, tokens, doomed, viewerId, spareKeyId, sparePkId } = o;
  const { voucherSetId, invitationId, streamSlug } = o;
  const casinoIds = o.players.map((p) => p.player_id);
  const doomedPlayers = o.players.filter((p) => Number(p.player_id.slice(5)) > 20).map((p) => p.id);
  const orgIds = [a.org.id, b.org.id, pa.org.id];
  const games = [...a.gameIds, ...b.gameIds];
  const streams = [a.streamId, a.otherStreamId, b.streamId];
  const playerIds = o.players.filter((p) => !doomedPlayers.includes(p.id)).map((p) => p.id);
  const properties = [pa.property.id, pb.property.id];
  const byName: Record<string, readonly (number | string)[]> = {
    org_id: orgIds,
    orgId: orgIds,
    game_id: games,
    game_ids: games,
    gameId: games,
    'games.id': games,
    'games.gameId': games,
    stream_id: streams,
    stream_ids: streams,
    'streams.id': streams,
    voucher_set_id: [voucherSetId],
    'voucher-sets.id': [voucherSetId],
    'players.id': playerIds,
    property_id: properties,
    token: tokens,
    session_token: tokens,
    userId: [viewerId],
    user_id: [viewerId],
    'members.userId': [viewerId],
    'invitations.id': [invitationId],
    key_id: [spareKeyId, a.keyId],
    id: [spareKeyId, sparePkId],
    'plays.id': [1, 2, 3],
    org_slug: [a.org.slug, b.org.slug],
    stream_slug: [streamSlug],
    player_id: casinoIds,
    email: [a.owner.email, 'nobody@example.test'],
    table: ['players'],
    'delete:games.id': doomed.games,
    'delete:streams.id': doomed.streams,
    'delete:voucher-sets.id': doomed.sets,
    'delete:players.id': doomedPlayers,
    'delete:members.userId': doomed.members,
    'delete:invitations.id': doomed.invitations,
  };
  const pools: Pools = {
    ints: [...orgIds, ...games, ...streams, voucherSetId, viewerId, spareKeyId],
    uuids: [...playerIds, ...properties, ...tokens, invitationId, sparePkId],
    byName,
  };
  // Valid values of fields the services check beyond the schema, so that a request with one
  // hostile field is otherwise accepted.
  const fieldValues: Record<string, readonly unknown[]> = {
    email: [`${unique('fuzz')}@example.test`, 'someone@example.test'],
    phone: ['+14155550123', '+442071838750', null],
    country: ['US', 'GB', 'TH'],
    timezone: ['UTC', 'Asia/Bangkok', 'America/Los_Angeles'],
    date_of_birth: ['1980-05-17', null],
    adt: [0, 12.5, 1500],
    coin_in: [0, 99.99],
    tier: ['gold', null],
    status: ['active', 'inactive'],
    config: [{}],
    metadata: [{ campaign: 'fuzz', n: 1 }, null],
    traits: [{ vip: true }, {}],
    password: ['correct horse battery staple'],
  };
  const mine = (name: string, values: readonly unknown[]) => [name, values] as const;
  const ownPools: Pools = {
    ints: [a.org.id, pa.org.id, ...a.gameIds, a.streamId, a.otherStreamId, voucherSetId],
    uuids: [...playerIds, pa.property.id, ...tokens.slice(0, 4), invitationId, sparePkId],
    byName: {
      ...byName,
      ...fieldValues,
      ...Object.fromEntries([
        mine('org_id', [a.org.id, pa.org.id]),
        mine('orgId', [a.org.id]),
        mine('organizations.orgId', [a.org.id]),
        mine('game_id', a.gameIds),
        mine('game_ids', a.gameIds),
        mine('gameId', a.gameIds),
        mine('games.id', a.gameIds),
        mine('games.gameId', a.gameIds),
        mine('stream_id', [a.streamId, a.otherStreamId]),
        mine('stream_ids', [a.streamId, a.otherStreamId]),
        mine('streams.id', [a.streamId, a.otherStreamId]),
        mine('property_id', [pa.property.id]),
        mine('token', tokens.slice(0, 4)),
        mine('session_token', tokens.slice(0, 4)),
        mine('key_id', [spareKeyId]),
        mine('org_slug', [a.org.slug]),
      ]),
    },
  };

  return { pools, ownPools };
}

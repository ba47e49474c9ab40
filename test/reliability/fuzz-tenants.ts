import { createApiKey } from '../../src/modules/api-keys/index.ts';
import { createGame } from '../../src/modules/games/index.ts';
import { addMember } from '../../src/modules/organizations/index.ts';
import { createPropertyKey } from '../../src/modules/property-keys/index.ts';
import { createStream } from '../../src/modules/streams/index.ts';
import { makePropertyTenant, makeTenant, makeUser, unique } from '../factories.ts';
import type { Harness } from '../harness.ts';
import { recordSecrets } from './figures.ts';
import { LIMITS, makeCredentials } from './fuzz-credentials.ts';
import { makePools } from './fuzz-pools.ts';
import type { Pools } from './fuzz-schema.ts';
import { postJson, request } from './load.ts';

/**
 * The fuzzer's world: two DailyPlay tenants and two PlayerOS tenants made through the seeder,
 * objects made through the real server (sessions, a voucher set, an invitation, players), the
 * ids the fuzzer aims at, and the credential behind each role.
 */
export interface FuzzWorld {
  /** Ids of every tenant (the fuzzer's own and the others'), for valid-ish and must-fail cases. */
  readonly pools: Pools;
  /** Only what `dpOwner`, `dpKey`, `pk` and `propOwner` may act on, plus valid field values. */
  readonly ownPools: Pools;
  /** Headers of each credential role; valid ones are replaced if the fuzzer disables them. */
  readonly credentials: Map<string, Record<string, string>>;
  /** Checks every valid credential and issues a new one where the fuzzer broke it. */
  repair(): Promise<string[]>;
}

async function data<T>(answer: Promise<{ status: number; body: string }>, what: string) {
  const { status, body } = await answer;
  if (status >= 300) throw new Error(`${what}: ${status} ${body}`);
  return (JSON.parse(body) as { data: T }).data;
}

export async function makeWorld(h: Harness, url: string): Promise<FuzzWorld> {
  const a = await makeTenant(h, LIMITS);
  const b = await makeTenant(h, LIMITS);
  const pa = await makePropertyTenant(h, { perMinute: 100_000 });
  const pb = await makePropertyTenant(h, { perMinute: 100_000 });
  // The DailyPlay owner also owns the PlayerOS organization: one bearer token reaches both.
  await addMember(h.deps, pa.org.id, a.owner.id, 'Owner');
  const viewer = await makeUser(h, a.org.id, 'Viewer');
  const throwaway = await makeUser(h);
  recordSecrets(
    a.owner.password,
    b.owner.password,
    pa.owner.password,
    pb.owner.password,
    viewer.password,
    throwaway.password,
  );
  const spareKey = await createApiKey(h.deps, undefined, a.org.id, { name: 'Spare' });
  const sparePk = await createPropertyKey(h.deps, undefined, {
    propertyId: pa.property.id,
    name: 'Spare',
    scopes: ['read'],
  });

  const tokens: string[] = [];
  for (const gameId of [...a.gameIds, ...a.gameIds, ...b.gameIds]) {
    const session = await data<{ token: string }>(
      postJson(
        `${url}/api/org-api-keys?action=create-session`,
        { game_id: gameId, external_ref: unique('ref') },
        gameId === b.gameIds[0] || gameId === b.gameIds[1] ? b.keyHeaders : a.keyHeaders,
      ),
      'create session',
    );
    tokens.push(session.token);
  }
  const voucherSet = await data<{ id: number }>(
    postJson(`${url}/api/voucher-sets`, { org_id: a.org.id, name: 'Fuzz set' }, a.owner.auth),
    'create voucher set',
  );
  const invitation = await data<{ id: string }>(
    postJson(
      `${url}/api/organizations/${a.org.id}/invitations`,
      { email: `${unique('invitee')}@example.test`, role: 'Viewer' },
      a.owner.auth,
    ),
    'invite',
  );
  const casinoIds = Array.from({ length: 30 }, (_, i) => `FUZZ-${i + 1}`);
  await data(
    postJson(
      `${url}/api/players/batch`,
      {
        players: casinoIds.map((id, i) => ({
          player_id: id,
          email: `${id.toLowerCase()}@example.test`,
          first_name: i % 2 ? 'Ann' : 'Bob',
          status: i % 3 ? 'active' : 'inactive',
          traits: { vip: i % 2 === 0 },
        })),
      },
      pa.keyHeaders,
    ),
    'import players',
  );
  const players = await data<{ id: string; player_id: string }[]>(
    request(`${url}/api/players?limit=100`, { headers: pa.keyHeaders }),
    'list players',
  );
  const stream = await data<{ slug: string }>(
    request(`${url}/api/streams/${a.streamId}?org_id=${a.org.id}`, { headers: a.owner.auth }),
    'get stream',
  );

  // Objects DELETE cases aim at, so that the ones other cases use survive the run.
  const doomed = {
    games: [] as number[],
    streams: [] as number[],
    sets: [] as number[],
    members: [] as number[],
    invitations: [] as string[],
  };
  for (let i = 0; i < 4; i += 1) {
    doomed.games.push((await createGame(h.deps, a.org.id, { title: `Doomed ${i}` })).id);
  }
  for (let i = 0; i < 3; i += 1) {
    const gameIds = [doomed.games[i] ?? a.gameIds[0]];
    doomed.streams.push(
      (await createStream(h.deps, a.org.id, { name: unique('Doomed'), gameIds })).id,
    );
    const member = await makeUser(h, a.org.id, 'Viewer');
    recordSecrets(member.password);
    doomed.members.push(member.id);
    doomed.sets.push(
      (
        await data<{ id: number }>(
          postJson(
            `${url}/api/voucher-sets`,
            { org_id: a.org.id, name: unique('Doomed') },
            a.owner.auth,
          ),
          'create voucher set',
        )
      ).id,
    );
    doomed.invitations.push(
      (
        await data<{ id: string }>(
          postJson(
            `${url}/api/organizations/${a.org.id}/invitations`,
            { email: `${unique('doomed')}@example.test`, role: 'Viewer' },
            a.owner.auth,
          ),
          'invite',
        )
      ).id,
    );
  }

  const { pools, ownPools } = makePools({
    a,
    b,
    pa,
    pb,
    viewerId: viewer.id,
    spareKeyId: spareKey.id,
    sparePkId: sparePk.id,
    tokens,
    voucherSetId: voucherSet.id,
    invitationId: invitation.id,
    players,
    streamSlug: stream.slug,
    doomed,
  });
  const credentials = makeCredentials(h, url, { a, b, pa, pb, throwaway });
  return { pools, ownPools, credentials: credentials.headers, repair: credentials.repair };
}

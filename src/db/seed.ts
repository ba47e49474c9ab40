import { randomBytes } from 'node:crypto';
import type { Deps } from '../deps.ts';
import { createApiKey } from '../modules/api-keys/index.ts';
import { createGame } from '../modules/games/index.ts';
import { replacePrizes } from '../modules/prizes/index.ts';
import { createVoucherSet, generateVoucherCodes } from '../modules/vouchers/index.ts';
import {
  addMember,
  createOrganization,
  findOrganizationBySlug,
} from '../modules/organizations/index.ts';
import { upsertPlayers } from '../modules/players/index.ts';
import { createProperty } from '../modules/properties/index.ts';
import { createPropertyKey } from '../modules/property-keys/index.ts';
import { seedDemoCampaign } from './seed.campaign.ts';
import { seedDemoJourney } from './seed.journey.ts';
import { createSession, playUrl } from '../modules/sessions/index.ts';
import { createStream } from '../modules/streams/index.ts';
import { createUser } from '../modules/users/index.ts';
import { demoPlayers } from './seed.players.ts';

export const DEMO_ORG_SLUG = 'demo';
export const DEMO_EMAIL = 'demo@playloop.local';

export interface DemoSeed {
  orgId: number;
  email: string;
  password: string;
  gameId: number;
  streamId: number;
  apiKey: string;
  playUrl: string;
  streamUrl: string;
  /** The PlayerOS half: a property with sample players and a read+write pk_ key. */
  propertyId: string;
  propertyName: string;
  propertyTimezone: string;
  propertyKey: string;
  players: number;
  /** A draft email campaign with a game link, ready for send-campaign. */
  campaignId: string;
  /** A live journey that follows up each play of the campaign's links. */
  journeyId: string;
}

/**
 * Seeds a demo organization through the services, once: when the demo organization exists
 * already (this or another process made it) nothing happens and undefined is returned.
 */
export async function seedDemo(deps: Deps): Promise<DemoSeed | undefined> {
  if (await findOrganizationBySlug(deps.database.db, DEMO_ORG_SLUG)) return undefined;
  let org;
  try {
    org = await createOrganization(deps, {
      name: 'Demo Brand',
      slug: DEMO_ORG_SLUG,
      type: 'Brand',
      planTier: 'Business',
    });
  } catch {
    return undefined; // another process seeded concurrently
  }
  const password = deps.config.demoPassword ?? randomBytes(9).toString('base64url');
  const user = await createUser(deps, { email: DEMO_EMAIL, password, name: 'Demo Owner' });
  await addMember(deps, org.id, user.id, 'Owner');
  const owner = { userId: user.id };
  const game = await createGame(deps, org.id, {
    title: 'Lucky Spin',
    template: 'spin-wheel',
    prize_enabled: true,
    status: 'Active',
  });
  const second = await createGame(deps, org.id, {
    title: 'Memory Match',
    template: 'memory-match',
    config: { pairs: 6, duration_s: 60 },
    status: 'Active',
  });
  const third = await createGame(deps, org.id, {
    title: 'Tap Rush',
    template: 'quick-tap',
    config: { duration_s: 10 },
    status: 'Active',
  });
  const vouchers = await createVoucherSet(deps, owner, org.id, { name: 'Demo 10% off codes' });
  await generateVoucherCodes(deps, owner, org.id, vouchers.id, {
    count: 50,
    prefix: 'DEMO',
    length: 8,
  });
  await replacePrizes(deps, owner, org.id, game.id, [
    { name: '10% off', type: 'voucher_set', win_chance: 30, voucher_set_id: vouchers.id },
    { name: 'Free coffee', type: 'voucher', win_chance: 20, voucher_code: 'COFFEE', quantity: 100 },
    { name: 'Try again', type: 'no_prize', win_chance: 50 },
  ]);
  const stream = await createStream(deps, org.id, {
    name: 'Summer Campaign',
    slug: 'summer',
    gameIds: [game.id, second.id, third.id],
  });
  const key = await createApiKey(deps, undefined, org.id, { name: 'Demo server key' });
  const session = await createSession(
    deps,
    {
      id: key.id,
      org_id: org.id,
      key_prefix: key.key_prefix,
      is_active: true,
      allowed_game_ids: null,
      allowed_stream_ids: null,
      rate_limit_per_minute: key.rate_limit_per_minute,
      rate_limit_per_day: key.rate_limit_per_day,
      expires_at: null,
      org_plan_tier: org.plan_tier,
    },
    { game_id: game.id, external_ref: 'demo-player', expires_in_minutes: 7 * 24 * 60 },
  );
  // The PlayerOS half: a property, its pk_ key and sample players (through the batch upsert).
  const property = await createProperty(deps, undefined, {
    orgId: org.id,
    name: 'Demo Casino Las Vegas',
    timezone: 'America/Los_Angeles',
  });
  const propertyKey = await createPropertyKey(deps, undefined, {
    propertyId: property.id,
    name: 'Demo PlayerOS key',
  });
  const players = await upsertPlayers(deps, property.id, demoPlayers());
  if (players.errors.length > 0) {
    // The sample data is fixed: a refused row is a bug in it, not a user's input.
    throw new Error(`demo players refused: ${JSON.stringify(players.errors.slice(0, 3))}`);
  }
  const demoCampaign = await seedDemoCampaign(deps, { id: property.id, orgId: org.id }, game.id);
  const journeyId = await seedDemoJourney(deps, { id: property.id, orgId: org.id }, game.id);
  return {
    orgId: org.id,
    email: DEMO_EMAIL,
    password,
    gameId: game.id,
    streamId: stream.id,
    apiKey: key.key,
    playUrl: playUrl(deps, session),
    streamUrl: `${deps.config.publicUrl}/stream/${org.slug}/${stream.slug}`,
    propertyId: property.id,
    propertyName: property.name,
    propertyTimezone: property.timezone,
    propertyKey: propertyKey.key,
    players: players.inserted + players.updated,
    campaignId: demoCampaign.campaignId,
    journeyId,
  };
}

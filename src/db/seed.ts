import { randomBytes } from 'node:crypto';
import type { Deps } from '../deps.ts';
import { createApiKey } from '../modules/api-keys/index.ts';
import { createGame } from '../modules/games/index.ts';
import {
  addMember,
  createOrganization,
  findOrganizationBySlug,
} from '../modules/organizations/index.ts';
import { createSession, playUrl } from '../modules/sessions/index.ts';
import { createStream } from '../modules/streams/index.ts';
import { createUser } from '../modules/users/index.ts';

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
  const game = await createGame(deps, org.id, { title: 'Lucky Spin', status: 'Active' });
  const second = await createGame(deps, org.id, { title: 'Memory Match', status: 'Active' });
  const stream = await createStream(deps, org.id, {
    name: 'Summer Campaign',
    gameIds: [game.id, second.id],
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
  return {
    orgId: org.id,
    email: DEMO_EMAIL,
    password,
    gameId: game.id,
    streamId: stream.id,
    apiKey: key.key,
    playUrl: playUrl(deps, session),
  };
}

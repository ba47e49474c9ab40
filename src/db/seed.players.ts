/**
 * Realistic sample players for the demo property, from a fixed pseudo-random sequence: every
 * install seeds the same players, so the README and the tests can name them. The fields follow
 * the PlayerOS player model (player_id, tier, adt, coin_in, state, timezone, status, contact).
 */

export const DEMO_PLAYER_COUNT = 300;

/** mulberry32: a tiny deterministic generator (not for secrets; only for sample data). */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const FIRST = (
  'James Maria Robert Linda Michael Patricia David Jennifer Carlos Elizabeth Wei ' +
  'Susan Daniel Karen Anthony Nancy Kevin Lisa Jose Betty Thomas Sandra Minh Ashley ' +
  'Brian Dorothy Gary Kimberly Raj Donna'
).split(' ');
const LAST = (
  'Smith Johnson Williams Garcia Brown Miller Davis Rodriguez Martinez Nguyen ' +
  'Wilson Anderson Taylor Thomas Moore Jackson Lee Perez Thompson White Harris Chen ' +
  'Clark Lewis Patel Walker Hall Young Allen King'
).split(' ');

/** US states with casinos, their IANA zone and an area code, weighted toward the property's. */
const PLACES: readonly { state: string; timezone: string; area: string; weight: number }[] = [
  { state: 'NV', timezone: 'America/Los_Angeles', area: '702', weight: 40 },
  { state: 'CA', timezone: 'America/Los_Angeles', area: '619', weight: 20 },
  { state: 'AZ', timezone: 'America/Phoenix', area: '602', weight: 10 },
  { state: 'NJ', timezone: 'America/New_York', area: '609', weight: 8 },
  { state: 'MS', timezone: 'America/Chicago', area: '228', weight: 6 },
  { state: 'CO', timezone: 'America/Denver', area: '719', weight: 6 },
  { state: 'PA', timezone: 'America/New_York', area: '412', weight: 5 },
  { state: 'LA', timezone: 'America/Chicago', area: '504', weight: 5 },
];

/** Tiers with their share of members and typical average daily theoretical (ADT, dollars). */
const TIERS: readonly { tier: string; weight: number; adt: [number, number] }[] = [
  { tier: 'Bronze', weight: 50, adt: [10, 80] },
  { tier: 'Silver', weight: 28, adt: [60, 200] },
  { tier: 'Gold', weight: 16, adt: [150, 600] },
  { tier: 'Platinum', weight: 6, adt: [500, 2500] },
];

const STATUSES: readonly { status: string; weight: number }[] = [
  { status: 'active', weight: 86 },
  { status: 'inactive', weight: 10 },
  { status: 'self_excluded', weight: 3 },
  { status: 'banned', weight: 1 },
];

function pick<T extends { weight: number }>(random: () => number, items: readonly T[]): T {
  const total = items.reduce((sum, item) => sum + item.weight, 0);
  let roll = random() * total;
  for (const item of items) {
    roll -= item.weight;
    if (roll < 0) return item;
  }
  return items[items.length - 1]!;
}

const oneOf = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)]!;

/**
 * The demo's sample players as batch-upsert rows: player ids 200001…, clear of the 100234 the
 * README adds. About one in eight has no email and one in four no phone, as in a real loyalty
 * database.
 */
export function demoPlayers(count = DEMO_PLAYER_COUNT): Record<string, unknown>[] {
  const random = generator(20_260_101);
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const first = oneOf(random, FIRST);
    const last = oneOf(random, LAST);
    const place = pick(random, PLACES);
    const tier = pick(random, TIERS);
    const [low, high] = tier.adt;
    const adt = Math.round((low + random() * (high - low)) * 100) / 100;
    // Coin-in over a year of visits: ADT is roughly coin-in × house edge ÷ trips.
    const coinIn = Math.round(adt * (20 + random() * 60) * (8 + random() * 24));
    const player: Record<string, unknown> = {
      player_id: String(200_001 + i),
      first_name: first,
      last_name: last,
      status: pick(random, STATUSES).status,
      tier: tier.tier,
      adt,
      coin_in: coinIn,
      state: place.state,
      country: 'US',
      timezone: place.timezone,
      date_of_birth: `${1945 + Math.floor(random() * 58)}-${pad(1 + Math.floor(random() * 12))}-${pad(1 + Math.floor(random() * 28))}`,
    };
    if (random() >= 0.125) {
      player.email = `${first}.${last}${i}@example.com`.toLowerCase();
    }
    if (random() >= 0.25) {
      player.phone = `+1${place.area}555${String(1000 + Math.floor(random() * 9000))}`;
    }
    rows.push(player);
  }
  return rows;
}

const pad = (n: number): string => String(n).padStart(2, '0');

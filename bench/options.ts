/** The benchmark's settings, read once from the environment (see bench/README.md). */

function envInt(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function envUrl(name: string): string | undefined {
  const raw = process.env[name]?.trim();
  return raw ? raw : undefined;
}

export const CONNECTIONS = 64;
export const SECONDS = envInt('BENCH_SECONDS', 10, 1, 600);
export const WARMUP_SECONDS = envInt('BENCH_WARMUP_SECONDS', 1, 0, 60);
export const DATABASE_URL = envUrl('BENCH_DATABASE_URL');
export const REDIS_URL = envUrl('BENCH_REDIS_URL');
/** BENCH_WEBHOOKS=0 leaves the webhook rows (PostgreSQL) out. */
export const WEBHOOKS = envInt('BENCH_WEBHOOKS', 1, 0, 1) === 1;
/** BENCH_COMPLIANCE=0 leaves the pre-send check row (PostgreSQL) out. */
export const COMPLIANCE = envInt('BENCH_COMPLIANCE', 1, 0, 1) === 1;
/** Players seeded per target for the players rows; 0 leaves the players rows out. */
export const PLAYERS = envInt('BENCH_PLAYERS', 1_000_000, 0, 10_000_000);
/** BENCH_CAMPAIGNS=0 leaves the campaign rows (PostgreSQL) out. */
export const CAMPAIGNS = envInt('BENCH_CAMPAIGNS', 1, 0, 1) === 1;
/** Players the planned campaign goes to (each gets a message). */
export const CAMPAIGN_PLAYERS = envInt('BENCH_CAMPAIGN_PLAYERS', 1_000_000, 1000, 10_000_000);
/** Queued messages the delivery row sends (at most the planned campaign's queued ones). */
export const CAMPAIGN_MESSAGES = envInt('BENCH_CAMPAIGN_MESSAGES', 20_000, 100, 1_000_000);
/** BENCH_DASHBOARD=0 leaves the dashboard first-load row out (about 15 s). */
export const DASHBOARD = envInt('BENCH_DASHBOARD', 1, 0, 1) === 1;
/** BENCH_PLAY_PAGES=0 leaves the game page first-load row out (about 20 s). */
export const PLAY_PAGES = envInt('BENCH_PLAY_PAGES', 1, 0, 1) === 1;
/** BENCH_JOURNEYS=0 leaves the journey row (PostgreSQL) out. */
export const JOURNEYS = envInt('BENCH_JOURNEYS', 1, 0, 1) === 1;
/** Players walked through the journey (six steps each), and as many by the ceiling. */
export const JOURNEY_PLAYERS = envInt('BENCH_JOURNEY_PLAYERS', 100_000, 1000, 10_000_000);
// Sessions: two targets, three operations, a measured and a warm-up run of HTTP and of the
// ceiling each, plus seeding and server starts. Players: per million players up to 5 minutes of
// seeding per target and 5 more for the server to work off what the runs leave in flight (a
// minute after an exact-count run on PGlite), plus the runs of three requests per target.
// Anything past this is a hang.
export const TIMEOUT_SECONDS = envInt(
  'BENCH_TIMEOUT_SECONDS',
  300 +
    14 * (SECONDS + WARMUP_SECONDS) +
    (PLAYERS > 0
      ? 180 + 600 * Math.ceil(PLAYERS / 1_000_000) + 12 * (SECONDS + WARMUP_SECONDS)
      : 0) +
    (WEBHOOKS ? 900 : 0) +
    (DASHBOARD ? 120 : 0) +
    (PLAY_PAGES ? 120 : 0) +
    (COMPLIANCE ? 600 : 0) +
    // Per million campaign players: seeding, planning (840/s measured, 450/s under heavy load
    // on the 2-core machine) and the ceiling; delivery at 20 mails/s, far below what was measured.
    (CAMPAIGNS
      ? 300 + 3600 * Math.ceil(CAMPAIGN_PLAYERS / 1_000_000) + Math.ceil(CAMPAIGN_MESSAGES / 20)
      : 0) +
    // Per 100,000 journey players: seeding, advanceDue's 600,000 steps and as many for the
    // ceiling, each a commit (100 to 300 steps/s measured on the loaded 2-core machine).
    (JOURNEYS ? 300 + 3 * 3600 * Math.ceil(JOURNEY_PLAYERS / 100_000) : 0),
  10,
  86_400,
);

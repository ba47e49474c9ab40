import { resolve } from 'node:path';

/** Plan tiers in ascending order; an organization's tier unlocks features at or below it. */
export const PLAN_TIERS = ['Free', 'Pro', 'Business', 'Enterprise'] as const;
export type PlanTier = (typeof PLAN_TIERS)[number];

/** At most `limit` requests per fixed window of `windowSeconds` (aligned to the UTC clock). */
export interface ThrottleRule {
  readonly limit: number;
  readonly windowSeconds: number;
}

/** Throttles of the authentication endpoints; see README "Configuration". */
export interface AuthThrottles {
  /** Every login attempt from one client IP (IPv6: its /64). */
  readonly loginPerIp: ThrottleRule;
  /** Failed logins (and wrong current passwords) per account email and client address. */
  readonly loginFailuresPerAccount: ThrottleRule;
  /** Failed logins per account from all addresses together: caps distributed guessing. */
  readonly loginFailuresPerAccountTotal: ThrottleRule;
  /** Reset requests per client IP; confirmations are counted separately with the same rule. */
  readonly resetPerIp: ThrottleRule;
  /** Reset requests per email, whether an account exists or not; confirmations per account. */
  readonly resetPerAccount: ThrottleRule;
  readonly signupPerIp: ThrottleRule;
}

export interface Config {
  readonly host: string;
  readonly port: number;
  /** Base URL players reach this server at; play links are built from it. */
  readonly publicUrl: string;
  /** PostgreSQL connection string; when absent the embedded PGlite in `dataDir` is used. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly dbPoolSize: number;
  /** Redis connection string; when absent limits are kept in-process. */
  readonly redisUrl: string | undefined;
  readonly redisPrefix: string;
  readonly logLevel: string;
  readonly bodyLimitBytes: number;
  readonly trustProxy: boolean;
  readonly oidcIssuer: string | undefined;
  readonly oidcAudience: string | undefined;
  /** The lowest organization tier allowed to use the DailyPlay API (the spec: Business). */
  readonly apiMinTier: PlanTier;
  /** The tier new organizations get on this install. */
  readonly defaultOrgTier: PlanTier;
  /** How long an API key lookup is cached in-process; bounds how late a revoke takes effect. */
  readonly apiKeyCacheTtlMs: number;
  readonly userSessionTtlHours: number;
  readonly seedDemo: boolean;
  readonly demoPassword: string | undefined;
  /** `smtp://` or `smtps://` URL of the outgoing mail server; unset = mails are logged. */
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly signupEnabled: boolean;
  readonly authThrottles: AuthThrottles;
}

export class ConfigError extends Error {}

type Env = Readonly<Record<string, string | undefined>>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function tier(env: Env, name: string, fallback: PlanTier): PlanTier {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const found = PLAN_TIERS.find((t) => t.toLowerCase() === raw.toLowerCase());
  if (!found) throw new ConfigError(`${name} must be one of ${PLAN_TIERS.join(', ')}`);
  return found;
}

/** `<count>/<seconds>`, e.g. `10/60` for ten per minute. */
function throttle(env: Env, name: string, fallback: ThrottleRule): ThrottleRule {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const match = /^(\d{1,7})\s*\/\s*(\d{1,8})$/.exec(raw);
  const limit = Number(match?.[1]);
  const windowSeconds = Number(match?.[2]);
  if (!match || limit < 1 || windowSeconds < 1 || windowSeconds > 86_400 * 30) {
    throw new ConfigError(`${name} must look like <count>/<seconds> (e.g. 10/60), got "${raw}"`);
  }
  return { limit, windowSeconds };
}

function optional(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw === undefined || raw === '' ? undefined : raw;
}

function url(env: Env, name: string): string | undefined {
  const raw = optional(env, name);
  if (raw === undefined) return undefined;
  try {
    new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a valid URL`);
  }
  return raw;
}

function smtp(env: Env, name: string): string | undefined {
  const raw = url(env, name);
  if (raw !== undefined && !/^smtps?:$/.test(new URL(raw).protocol)) {
    throw new ConfigError(`${name} must be an smtp:// or smtps:// URL`);
  }
  return raw;
}

/** Parses the environment once; no other module reads process.env. */
export function loadConfig(env: Env = process.env): Config {
  const port = int(env, 'PORT', 3000, 0, 65535);
  const host = optional(env, 'HOST') ?? '127.0.0.1';
  const publicUrl = (url(env, 'PUBLIC_URL') ?? `http://localhost:${port}`).replace(/\/+$/, '');
  return {
    host,
    port,
    publicUrl,
    databaseUrl: url(env, 'DATABASE_URL'),
    dataDir: resolve(optional(env, 'DATA_DIR') ?? './data'),
    dbPoolSize: int(env, 'DB_POOL_SIZE', 10, 1, 200),
    redisUrl: url(env, 'REDIS_URL'),
    redisPrefix: optional(env, 'REDIS_PREFIX') ?? 'playloop:',
    logLevel: optional(env, 'LOG_LEVEL') ?? 'info',
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 64 * 1024, 1024, 10 * 1024 * 1024),
    trustProxy: bool(env, 'TRUST_PROXY', false),
    oidcIssuer: url(env, 'OIDC_ISSUER'),
    oidcAudience: optional(env, 'OIDC_AUDIENCE'),
    apiMinTier: tier(env, 'API_MIN_TIER', 'Business'),
    defaultOrgTier: tier(env, 'DEFAULT_ORG_TIER', 'Business'),
    apiKeyCacheTtlMs: int(env, 'API_KEY_CACHE_TTL_MS', 500, 0, 1000),
    userSessionTtlHours: int(env, 'USER_SESSION_TTL_HOURS', 24 * 7, 1, 24 * 365),
    seedDemo: bool(env, 'SEED_DEMO', true),
    demoPassword: optional(env, 'DEMO_PASSWORD'),
    smtpUrl: smtp(env, 'SMTP_URL'),
    mailFrom: optional(env, 'MAIL_FROM') ?? 'PlayLoop <no-reply@localhost>',
    signupEnabled: bool(env, 'SIGNUP_ENABLED', true),
    authThrottles: {
      loginPerIp: throttle(env, 'THROTTLE_LOGIN_PER_IP', { limit: 10, windowSeconds: 60 }),
      loginFailuresPerAccount: throttle(env, 'THROTTLE_LOGIN_PER_ACCOUNT', {
        limit: 5,
        windowSeconds: 900,
      }),
      loginFailuresPerAccountTotal: throttle(env, 'THROTTLE_LOGIN_PER_ACCOUNT_TOTAL', {
        limit: 50,
        windowSeconds: 3600,
      }),
      resetPerIp: throttle(env, 'THROTTLE_RESET_PER_IP', { limit: 5, windowSeconds: 3600 }),
      resetPerAccount: throttle(env, 'THROTTLE_RESET_PER_ACCOUNT', {
        limit: 3,
        windowSeconds: 3600,
      }),
      signupPerIp: throttle(env, 'THROTTLE_SIGNUP_PER_IP', { limit: 10, windowSeconds: 3600 }),
    },
  };
}

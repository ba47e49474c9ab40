import { isIP } from 'node:net';
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
  /** Sign-up mails per email (verification link or "you have an account"), known or not. */
  readonly signupPerAccount: ThrottleRule;
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
  /**
   * PostgreSQL `statement_timeout` of every pooled connection, in ms (0: none). A statement
   * cancelled by it answers 400 query_too_expensive. Migrations and bulk imports lift it.
   */
  readonly dbStatementTimeoutMs: number;
  /** Requests per minute of one user's bearer tokens (login tokens, OIDC JWTs), like a key's. */
  readonly userRateLimitPerMinute: number;
  /** Redis connection string; when absent limits are kept in-process. */
  readonly redisUrl: string | undefined;
  readonly redisPrefix: string;
  /** How long a rate-limit call to Redis may take before deciding in-process (REDIS_LIMIT_TIMEOUT_MS). */
  readonly redisLimitTimeoutMs: number;
  readonly logLevel: string;
  readonly bodyLimitBytes: number;
  /**
   * Which X-Forwarded-For entries to believe: none (`false`, the socket address is the client),
   * the last `hops` (that many proxies always stand in front), or those appended by the listed
   * proxy addresses/CIDRs.
   */
  readonly trustProxy: TrustProxy;
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
  /** SMTP connections campaign mail keeps open (pooled). */
  readonly smtpPoolSize: number;
  /** Base URL of the Twilio-compatible Messages API campaigns send SMS through. */
  readonly twilioBaseUrl: string;
  /** Messages per second each channel sends, across every process (the shared limiter). */
  readonly sendRates: { readonly email: number; readonly sms: number };
  /** Test sends of a campaign one property may make (they mail any address given). */
  readonly testSendsPerProperty: ThrottleRule;
  /**
   * How long a campaign message claimed for sending stays its worker's (ms): older claims, and
   * campaigns no worker touched for as long, belonged to a worker that died and are taken over
   * (resent with the same Message-ID). Longer than any one send may take.
   */
  readonly campaignClaimTimeoutMs: number;
  /** How long a journey run a worker claimed stays its own (JOURNEY_CLAIM_TIMEOUT_MS). */
  readonly journeyClaimTimeoutMs: number;
  readonly signupEnabled: boolean;
  /** Install default of how many players one property may store (property_quota_defaults). */
  readonly propertyMaxRows: number;
  /** Install default of the bytes one property's players may take (sum of row text sizes). */
  readonly propertyMaxBytes: number;
  readonly authThrottles: AuthThrottles;
  readonly inviteThrottles: InviteThrottles;
  /** Organizations one user may create through the API (POST /api/organizations). */
  readonly orgCreationPerUser: ThrottleRule;
  /**
   * Inbound SMS requests one client address may send that are refused (unsigned, wrongly
   * signed, unknown property). Signed requests never count: a carrier's STOP is never throttled.
   */
  readonly inboundSmsRefusalsPerIp: ThrottleRule;
  /** Audience previews one property may run (each evaluates up to 100,000 players). */
  readonly audiencePreviewsPerProperty: ThrottleRule;
  /**
   * This process runs the background workers (job handlers, events dispatcher). `false` makes
   * an API-only process (it still sends jobs); `npm run worker` runs workers without HTTP.
   */
  readonly workers: boolean;
  /** Idle pause of the events dispatcher between rounds, in ms (none after a full batch). */
  readonly eventsPollMs: number;
  /**
   * On SIGTERM/SIGINT, how long running jobs may take to finish (ms); those still running are
   * then given back to the queue and retried by another worker.
   */
  readonly shutdownGraceMs: number;
  /**
   * The 32-byte key sealing outbound secrets at rest (webhook signing secrets, connection
   * credentials). Unset: a key generated once and kept in the database is used (a warning says so).
   */
  readonly secretsKey: Buffer | undefined;
  /**
   * Webhook and connection URLs may name loopback, private and link-local addresses (never the
   * cloud metadata addresses). Off by default; tests and local installs turn it on.
   */
  readonly webhooksAllowPrivateNetworks: boolean;
  /** Time budget of one delivery attempt, connection to end of answer, in ms. */
  readonly webhookTimeoutMs: number;
  /** How long the previous signing secret keeps signing after a rotation, in hours. */
  readonly webhookRotationOverlapHours: number;
  /**
   * Bearer token `/metrics` asks for (METRICS_TOKEN). Unset: `/metrics` is open, and must then
   * not be reachable from outside (docs/deploy.md).
   */
  readonly metricsToken: string | undefined;
  /** Port a worker process (`npm run worker`) serves `/metrics` on (METRICS_PORT); unset: none. */
  readonly metricsPort: number | undefined;
}

/** Throttles of invitation mails (re-sends count); see README "Configuration". */
export interface InviteThrottles {
  /** Invitations sent by one organization, by all its members together. */
  readonly perOrg: ThrottleRule;
  /** Invitations sent by one user, over all their organizations. */
  readonly perUser: ThrottleRule;
}

export type TrustProxy =
  false | { readonly hops: number } | { readonly proxies: readonly string[] };

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

/** 32 bytes, as 64 hex digits or base64. */
function secretsKey(env: Env, name: string): Buffer | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (key.length !== 32) {
    throw new ConfigError(
      `${name} must be 32 bytes, as 64 hex digits or base64 (openssl rand -hex 32)`,
    );
  }
  return key;
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

/** An IPv4/IPv6 address, or a CIDR with a prefix of at least 1 (a /0 would trust everyone). */
function proxyAddress(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits >= 1 && bits <= (version === 4 ? 32 : 128);
}

/**
 * `false` (default), a hop count from 1 to 10, or a comma-separated list of proxy addresses and
 * CIDRs. `true` is refused: trusting every hop lets each client name its own address.
 */
function trustProxy(env: Env, name: string): TrustProxy {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || ['', '0', 'false', 'no', 'off'].includes(raw)) return false;
  if (['true', 'yes', 'on'].includes(raw)) {
    throw new ConfigError(
      `${name}=${raw} is no longer accepted: trusting every X-Forwarded-For entry lets each ` +
        'client choose its own IP (and escape per-IP limits). Set the number of proxies in ' +
        `front of PlayLoop (e.g. ${name}=1 behind one load balancer) or the proxies' ` +
        `addresses (e.g. ${name}=10.0.0.0/8,127.0.0.1)`,
    );
  }
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops > 10) throw new ConfigError(`${name} hop count must be from 1 to 10, got "${raw}"`);
    return { hops };
  }
  const proxies = raw.split(',').map((entry) => entry.trim());
  const bad = proxies.find((entry) => !proxyAddress(entry));
  if (bad !== undefined) {
    throw new ConfigError(
      `${name} must be false, a hop count from 1 to 10 or a comma-separated list of proxy ` +
        `IP addresses/CIDRs (e.g. 10.0.0.0/8,127.0.0.1); "${bad}" is none of these`,
    );
  }
  return { proxies };
}

/** Parses the environment once; no other module reads process.env. */
export function loadConfig(env: Env = process.env): Config {
  const port = int(env, 'PORT', 3000, 0, 65535);
  const host = optional(env, 'HOST') ?? '127.0.0.1';
  const publicUrl = (url(env, 'PUBLIC_URL') ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const oidcIssuer = url(env, 'OIDC_ISSUER');
  const oidcAudience = optional(env, 'OIDC_AUDIENCE');
  // An identity provider mints tokens for all its applications; without an audience check a
  // token issued to any other app of the same provider would log in here.
  if (oidcIssuer !== undefined && oidcAudience === undefined) {
    throw new ConfigError('OIDC_AUDIENCE is required when OIDC_ISSUER is set');
  }
  return {
    host,
    port,
    publicUrl,
    databaseUrl: url(env, 'DATABASE_URL'),
    dataDir: resolve(optional(env, 'DATA_DIR') ?? './data'),
    dbPoolSize: int(env, 'DB_POOL_SIZE', 10, 1, 200),
    dbStatementTimeoutMs: int(env, 'DB_STATEMENT_TIMEOUT_MS', 5000, 0, 3_600_000),
    userRateLimitPerMinute: int(env, 'USER_RATE_LIMIT_PER_MINUTE', 600, 1, 1_000_000),
    redisUrl: url(env, 'REDIS_URL'),
    redisPrefix: optional(env, 'REDIS_PREFIX') ?? 'playloop:',
    redisLimitTimeoutMs: int(env, 'REDIS_LIMIT_TIMEOUT_MS', 500, 50, 10_000),
    logLevel: optional(env, 'LOG_LEVEL') ?? 'info',
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 64 * 1024, 1024, 10 * 1024 * 1024),
    trustProxy: trustProxy(env, 'TRUST_PROXY'),
    oidcIssuer,
    oidcAudience,
    apiMinTier: tier(env, 'API_MIN_TIER', 'Business'),
    defaultOrgTier: tier(env, 'DEFAULT_ORG_TIER', 'Business'),
    apiKeyCacheTtlMs: int(env, 'API_KEY_CACHE_TTL_MS', 500, 0, 1000),
    userSessionTtlHours: int(env, 'USER_SESSION_TTL_HOURS', 24 * 7, 1, 24 * 365),
    seedDemo: bool(env, 'SEED_DEMO', true),
    demoPassword: optional(env, 'DEMO_PASSWORD'),
    smtpUrl: smtp(env, 'SMTP_URL'),
    mailFrom: optional(env, 'MAIL_FROM') ?? 'PlayLoop <no-reply@localhost>',
    smtpPoolSize: int(env, 'SMTP_POOL_SIZE', 5, 1, 50),
    twilioBaseUrl: (url(env, 'TWILIO_BASE_URL') ?? 'https://api.twilio.com').replace(/\/+$/, ''),
    sendRates: {
      email: int(env, 'SEND_RATE_EMAIL_PER_SECOND', 50, 1, 10_000),
      sms: int(env, 'SEND_RATE_SMS_PER_SECOND', 10, 1, 1_000),
    },
    testSendsPerProperty: throttle(env, 'THROTTLE_TEST_SENDS', { limit: 20, windowSeconds: 3600 }),
    campaignClaimTimeoutMs: int(env, 'CAMPAIGN_CLAIM_TIMEOUT_MS', 120_000, 1000, 3_600_000),
    journeyClaimTimeoutMs: int(env, 'JOURNEY_CLAIM_TIMEOUT_MS', 60_000, 1000, 3_600_000),
    signupEnabled: bool(env, 'SIGNUP_ENABLED', true),
    propertyMaxRows: int(env, 'PROPERTY_MAX_ROWS', 5_000_000, 0, Number.MAX_SAFE_INTEGER),
    propertyMaxBytes: int(env, 'PROPERTY_MAX_BYTES', 2 * 1024 ** 3, 0, Number.MAX_SAFE_INTEGER),
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
      signupPerAccount: throttle(env, 'THROTTLE_SIGNUP_PER_ACCOUNT', {
        limit: 3,
        windowSeconds: 3600,
      }),
    },
    inviteThrottles: {
      perOrg: throttle(env, 'THROTTLE_INVITES_PER_ORG', { limit: 50, windowSeconds: 86_400 }),
      perUser: throttle(env, 'THROTTLE_INVITES_PER_USER', { limit: 20, windowSeconds: 3600 }),
    },
    orgCreationPerUser: throttle(env, 'THROTTLE_ORGS_PER_USER', {
      limit: 10,
      windowSeconds: 86_400,
    }),
    inboundSmsRefusalsPerIp: throttle(env, 'THROTTLE_SMS_REFUSALS_PER_IP', {
      limit: 20,
      windowSeconds: 60,
    }),
    audiencePreviewsPerProperty: throttle(env, 'THROTTLE_AUDIENCE_PREVIEWS', {
      limit: 10,
      windowSeconds: 60,
    }),
    workers: bool(env, 'WORKERS', true),
    eventsPollMs: int(env, 'EVENTS_POLL_MS', 250, 10, 60_000),
    shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_MS', 10_000, 1000, 600_000),
    secretsKey: secretsKey(env, 'SECRETS_KEY'),
    webhooksAllowPrivateNetworks: bool(env, 'WEBHOOKS_ALLOW_PRIVATE_NETWORKS', false),
    webhookTimeoutMs: int(env, 'WEBHOOK_TIMEOUT_MS', 15_000, 100, 60_000),
    webhookRotationOverlapHours: int(env, 'WEBHOOK_ROTATION_OVERLAP_HOURS', 24, 0, 24 * 30),
    metricsToken: optional(env, 'METRICS_TOKEN'),
    metricsPort:
      optional(env, 'METRICS_PORT') === undefined
        ? undefined
        : int(env, 'METRICS_PORT', 0, 1, 65535),
  };
}

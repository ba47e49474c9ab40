import { closeOutboxes } from './modules/campaigns/campaigns.outbox.ts';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pino, { type Logger } from 'pino';
import type { Config } from './config.ts';
import { connectDatabase, type Database } from './db/connect.ts';
import { createJobs, type Jobs } from './jobs/jobs.ts';
import type { QueueSpec } from './jobs/queues.ts';
import { type Clock, systemClock } from './lib/clock.ts';
import { createMailer, type Mailer } from './lib/mailer.ts';
import { createSecretBox, type SecretBox } from './lib/secret-box.ts';
import { MemoryRateLimiter, RedisRateLimiter, type RateLimiter } from './http/rate-limit.ts';
import { ApiKeyUsageRecorder } from './modules/api-keys/api-keys.usage.ts';
import { ApiKeyCache } from './modules/api-keys/api-keys.cache.ts';
import { PropertyKeyCache } from './modules/property-keys/property-keys.cache.ts';
import { PropertyKeyUsageRecorder } from './modules/property-keys/property-keys.usage.ts';
import { createOidcVerifier, type OidcVerifier } from './modules/users/users.oidc.ts';
import { createWebhookSender, type WebhookSender } from './modules/webhooks/index.ts';
import { addScrapeSources, Metrics } from './modules/metrics/index.ts';

/** Everything a service needs, built once per process (the composition root). */
export interface Deps {
  readonly config: Config;
  readonly database: Database;
  readonly redis: Redis | undefined;
  readonly rateLimiter: RateLimiter;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly mailer: Mailer;
  readonly keyUsage: ApiKeyUsageRecorder;
  readonly apiKeyCache: ApiKeyCache;
  readonly propertyKeyCache: PropertyKeyCache;
  readonly propertyKeyUsage: PropertyKeyUsageRecorder;
  readonly oidc: OidcVerifier | undefined;
  /** The job queue; started by startBackground (src/background.ts), needed before a send. */
  readonly jobs: Jobs;
  /** Seals outbound secrets at rest (src/lib/secret-box.ts). */
  readonly secrets: SecretBox;
  /** Outbound HTTP of webhooks and connections (SSRF guard, timeout, no redirects). */
  readonly webhookSender: WebhookSender;
  /** This app instance's Prometheus metrics (src/modules/metrics): services count into it. */
  readonly metrics: Metrics;
}

export const LOG_REDACT_PATHS = [
  'req.headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
  '*.password',
  '*.key',
  '*.token',
];

/** Session tokens travel in query strings (validate, play links); they never reach the logs. */
export function redactUrl(url: string): string {
  return (
    url
      .replace(/([?&](?:token|session_token)=)[^&]*/gi, '$1[redacted]')
      // An unsubscribe link is a capability for its address (compliance.unsubscribe.ts).
      .replace(/^(\/u\/)[^?#]*/, '$1[redacted]')
  );
}

export function createLogger(config: Config, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      req: (req: { method: string; url: string; ip?: string }) => ({
        method: req.method,
        url: redactUrl(req.url),
        remoteAddress: req.ip,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      err: pino.stdSerializers.err,
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export interface DepsOverrides {
  clock?: Clock;
  logger?: Logger;
  database?: Database;
  mailer?: Mailer;
  /** Who holds an embedded database folder, told to a process that finds it taken. */
  role?: string;
  /** The job queues (default: all of src/jobs/queues.ts); tests add their own. */
  queues?: readonly QueueSpec[];
  /** Outbound webhook HTTP (tests give one with their own name resolution). */
  webhookSender?: WebhookSender;
  /**
   * pg-boss's schema (default `pgboss`): a test that runs real workers takes one of its own, so
   * they never take the jobs other test files send to the same queues.
   */
  jobsSchema?: string;
}

export async function createDeps(config: Config, overrides: DepsOverrides = {}): Promise<Deps> {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createLogger(config);
  const database =
    overrides.database ??
    (await connectDatabase(
      config.databaseUrl
        ? {
            kind: 'postgres',
            url: config.databaseUrl,
            poolSize: config.dbPoolSize,
            statementTimeoutMs: config.dbStatementTimeoutMs,
          }
        : { kind: 'pglite', dataDir: config.dataDir, role: overrides.role ?? 'server' },
    ));
  let redis: Redis | undefined;
  let rateLimiter: RateLimiter;
  if (config.redisUrl) {
    // Fail fast while Redis is down instead of queueing: the limiter then falls back in-process.
    // Auto-pipelining sends the limiter calls of one event-loop turn in one write.
    redis = new Redis(config.redisUrl, {
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      enableAutoPipelining: true,
    });
    redis.on('error', (error: Error) => logger.warn({ err: error.message }, 'redis error'));
    const connecting = redis;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        connecting.disconnect();
        reject(new Error('could not connect to REDIS_URL within 10 s'));
      }, 10_000);
      connecting.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    let lastWarning = 0;
    rateLimiter = new RedisRateLimiter(
      redis,
      config.redisPrefix,
      clock,
      (error) => {
        if (Date.now() - lastWarning > 10_000) {
          lastWarning = Date.now();
          logger.warn({ err: String(error) }, 'rate limits fell back to in-process counting');
        }
      },
      { timeoutMs: config.redisLimitTimeoutMs },
    );
  } else {
    rateLimiter = new MemoryRateLimiter(clock);
  }
  const keyUsage = new ApiKeyUsageRecorder(database, logger);
  const apiKeyCache = new ApiKeyCache(database, clock, config.apiKeyCacheTtlMs);
  const propertyKeyCache = new PropertyKeyCache(database, clock, config.apiKeyCacheTtlMs);
  const propertyKeyUsage = new PropertyKeyUsageRecorder(database, clock, logger);
  const mailer = overrides.mailer ?? createMailer(config, logger);
  const metrics = new Metrics();
  const jobs = createJobs({
    onJobRun: (run) => metrics.jobDone(run.queue, run.waitSeconds, run.runSeconds, run.outcome),
    database,
    databaseUrl: database.kind === 'postgres' ? config.databaseUrl : undefined,
    logger,
    ...(overrides.queues ? { queues: overrides.queues } : {}),
    ...(overrides.jobsSchema ? { schema: overrides.jobsSchema } : {}),
  });
  const oidc = config.oidcIssuer
    ? createOidcVerifier(config.oidcIssuer, config.oidcAudience ?? '')
    : undefined;
  const secrets = createSecretBox(config.secretsKey ?? (() => storedSecretsKey(database, logger)));
  const webhookSender =
    overrides.webhookSender ??
    createWebhookSender({
      allowPrivateNetworks: config.webhooksAllowPrivateNetworks,
      timeoutMs: config.webhookTimeoutMs,
    });
  const deps: Deps = {
    config,
    database,
    redis,
    rateLimiter,
    clock,
    logger,
    mailer,
    keyUsage,
    apiKeyCache,
    propertyKeyCache,
    propertyKeyUsage,
    oidc,
    jobs,
    secrets,
    webhookSender,
    metrics,
  };
  addScrapeSources(metrics, deps);
  return deps;
}

/**
 * The sealing key when SECRETS_KEY is not set: generated by the first process that needs it and
 * kept in the database, so every process of the install agrees on it.
 */
async function storedSecretsKey(database: Database, logger: Logger): Promise<Buffer> {
  await database.db
    .insertInto('install_settings')
    .values({ name: 'secrets_key', value: randomBytes(32).toString('hex') })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await database.db
    .selectFrom('install_settings')
    .select('value')
    .where('name', '=', 'secrets_key')
    .executeTakeFirstOrThrow();
  logger.warn(
    'SECRETS_KEY is not set: outbound secrets are sealed with a key kept in the database; set SECRETS_KEY in production',
  );
  return Buffer.from(row.value, 'hex');
}

export async function closeDeps(deps: Deps): Promise<void> {
  // Before the database: stopping hands unfinished jobs back to the queue through it. (A server
  // or worker has already stopped them gracefully: src/background.ts.)
  await deps.jobs.stop({ graceful: false });
  await deps.keyUsage.close();
  await deps.propertyKeyUsage.close();
  await deps.mailer.close?.();
  closeOutboxes();
  deps.webhookSender.close();
  await deps.rateLimiter.close();
  deps.redis?.disconnect();
  await deps.database.close();
}

/**
 * What run.ts hands the suite through the environment: its own database, Redis keyspace and
 * SMTP catcher. The suite refuses to run without them (it needs real PostgreSQL + Redis).
 */
export interface ReliabilityEnv {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly redisPrefix: string;
  readonly smtpUrl: string;
}

export function reliabilityEnv(): ReliabilityEnv {
  const databaseUrl = process.env.RELIABILITY_DATABASE_URL;
  const redisUrl = process.env.RELIABILITY_REDIS_URL;
  const redisPrefix = process.env.RELIABILITY_REDIS_PREFIX;
  const smtpUrl = process.env.RELIABILITY_SMTP_URL;
  if (!databaseUrl || !redisUrl || !redisPrefix || !smtpUrl) {
    throw new Error(
      'Run the reliability suite with `npm run test:reliability` (test/reliability/run.ts)',
    );
  }
  return { databaseUrl, redisUrl, redisPrefix, smtpUrl };
}

import { randomBytes } from 'node:crypto';
import type { Writable } from 'node:stream';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { buildApp } from '../src/app.ts';
import { type Config, loadConfig } from '../src/config.ts';
import { connectDatabase, type Database } from '../src/db/connect.ts';
import { migrate } from '../src/db/migrate.ts';
import { closeDeps, createDeps, createLogger, type Deps } from '../src/deps.ts';
import type { App } from '../src/http/types.ts';
import { openPgliteFromTemplate } from './pglite-template.ts';
import { ManualClock, type ShiftedClock } from '../src/lib/clock.ts';
import { type SmtpCatcher, startSmtpCatcher } from './smtp.ts';

/** True when the suite runs against the real PostgreSQL + Redis (CI's second run). */
export const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
export const onRedis = Boolean(process.env.TEST_REDIS_URL);

export interface Harness {
  app: App;
  deps: Deps;
  clock: ManualClock | ShiftedClock;
  /** Everything the server logged, as text: tests assert secrets never appear in it. */
  logs: () => string;
  inject: App['inject'];
  close(): Promise<void>;
}

/** A test configuration: PGlite in memory, or TEST_DATABASE_URL / TEST_REDIS_URL when set. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  const base = loadConfig({
    DATABASE_URL: process.env.TEST_DATABASE_URL,
    REDIS_URL: process.env.TEST_REDIS_URL,
    // Every run gets its own Redis keyspace, so counters of earlier runs never leak in.
    REDIS_PREFIX: `playloop:test:${randomBytes(6).toString('hex')}:`,
    // Suites that count exactly run beside others on 2 cores: a call starved past the default
    // 500 ms would be decided in-process. The deadline's own tests build their limiters.
    REDIS_LIMIT_TIMEOUT_MS: '5000',
    LOG_LEVEL: 'info',
    PUBLIC_URL: 'http://playloop.test',
    SEED_DEMO: 'false',
    // Suites log in many times from one inject address; the throttle suite sets real limits.
    THROTTLE_LOGIN_PER_IP: '1000000/60',
    THROTTLE_LOGIN_PER_ACCOUNT: '1000000/60',
    THROTTLE_LOGIN_PER_ACCOUNT_TOTAL: '1000000/60',
    THROTTLE_RESET_PER_IP: '1000000/60',
    THROTTLE_RESET_PER_ACCOUNT: '1000000/60',
    THROTTLE_SIGNUP_PER_IP: '1000000/60',
    THROTTLE_INVITES_PER_ORG: '1000000/60',
    THROTTLE_INVITES_PER_USER: '1000000/60',
    THROTTLE_ORGS_PER_USER: '1000000/60',
    THROTTLE_AUDIENCE_PREVIEWS: '1000000/60',
    // Suites send many requests with one login token; the query-cost suite sets a real limit.
    USER_RATE_LIMIT_PER_MINUTE: '1000000',
    THROTTLE_SIGNUP_PER_ACCOUNT: '1000000/60',
    // Webhook tests deliver to receivers on this machine; the SSRF tests turn it off.
    WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true',
    SECRETS_KEY: '5e'.repeat(32),
  });
  return { ...base, ...overrides };
}

export async function openTestDatabase(config: Config): Promise<Database> {
  if (!config.databaseUrl) return openPgliteFromTemplate();
  const database = await connectDatabase({
    kind: 'postgres',
    url: config.databaseUrl,
    poolSize: config.dbPoolSize,
    statementTimeoutMs: config.dbStatementTimeoutMs,
  });
  await migrate(database);
  return database;
}

export async function createHarness(
  options: {
    config?: Partial<Config>;
    start?: Date;
    clock?: ShiftedClock;
    /** Registers extra (test-only) routes on the app before it is readied. */
    beforeReady?: (app: App, deps: Deps) => void;
  } = {},
): Promise<Harness> {
  const config = testConfig(options.config);
  const clock = options.clock ?? new ManualClock(options.start ?? new Date());
  const chunks: string[] = [];
  const sink = {
    write(chunk: string) {
      chunks.push(chunk);
      return true;
    },
  } as unknown as Writable;
  const logger = createLogger(config, sink);
  const database = await openTestDatabase(config);
  const deps = await createDeps(config, { clock, logger, database });
  const app = await buildApp(deps);
  options.beforeReady?.(app, deps);
  await app.ready();
  return {
    app,
    deps,
    clock,
    logs: () => chunks.join(''),
    inject: app.inject.bind(app),
    async close() {
      await app.close();
      await closeDeps(deps);
    },
  };
}

export interface MailHarness extends Harness {
  /** Where the app's mail goes. */
  smtp: SmtpCatcher;
}

/** A harness whose mail goes to an SMTP catcher of its own; `close` stops both. */
export async function createMailHarness(
  options: Parameters<typeof createHarness>[0] = {},
): Promise<MailHarness> {
  const smtp = await startSmtpCatcher();
  try {
    const h = await createHarness({ ...options, config: { ...options.config, smtpUrl: smtp.url } });
    return {
      ...h,
      smtp,
      async close() {
        await h.close();
        await smtp.close();
      },
    };
  } catch (error) {
    await smtp.close();
    throw error;
  }
}

export function json<T = Record<string, unknown>>(response: LightMyRequestResponse): T {
  return JSON.parse(response.body) as T;
}

/** Awaits the response, asserts its status, and returns its `data`. */
export async function expectData<T = Record<string, unknown>>(
  response: Promise<LightMyRequestResponse> | LightMyRequestResponse,
  status = 200,
): Promise<T> {
  const answer = await response;
  expect(answer.statusCode, answer.body).toBe(status);
  return json<{ data: T }>(answer).data;
}

/** Asserts the status and the documented error envelope with its code, and returns the body. */
export function expectError(response: LightMyRequestResponse, status: number, code: string) {
  expect(response.statusCode, response.body).toBe(status);
  const body = errorBody(response);
  expect(body.code).toBe(code);
  expect(body.error).not.toBe('');
  expect(body.request_id).not.toBe('');
  return body;
}

/** Asserts the documented error envelope and returns it. */
export function errorBody(response: LightMyRequestResponse): {
  success: false;
  error: string;
  code: string;
  request_id: string;
  retry_after?: number;
} {
  const body = json<{ success: false; error: string; code: string; request_id: string }>(response);
  if (body.success !== false || typeof body.error !== 'string' || typeof body.code !== 'string') {
    throw new Error(`not the error envelope: ${response.statusCode} ${response.body}`);
  }
  return body;
}

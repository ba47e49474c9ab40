import { AsyncLocalStorage } from 'node:async_hooks';
import { connect } from 'node:net';
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import { serialize } from 'pg-protocol';
import { AppError } from '../lib/errors.ts';

/**
 * Cancellation of a request's statements when its client goes away.
 *
 * `runCancellable(signal, run)` marks everything `run` does (through AsyncLocalStorage, so the
 * services and repos it calls stay unchanged) as belonging to one scope. The pool handed to
 * Kysely (`cancellablePool`) records which pooled connections a scope holds. When the signal
 * aborts, each of them gets a PostgreSQL CancelRequest, sent on a new socket of its own: the
 * cancel needs neither the (possibly saturated) pool nor authentication, only the backend's
 * process id and secret key from the connection's startup. A connection that was cancelled is
 * destroyed instead of going back to the pool, so a cancel that arrives late can never hit a
 * statement of another request. Later statements of the scope are refused before they start.
 *
 * PGlite has no separate backend to signal (one WASM instance in this process); there an
 * aborted scope only stops statements that have not started yet. See README "Query cost".
 */

interface Scope {
  readonly signal: AbortSignal;
  /** Connections checked out by the scope right now. */
  readonly held: Set<pg.PoolClient>;
  /** Connections that were sent a cancel: destroyed when released. */
  readonly cancelled: Set<pg.PoolClient>;
}

const scopes = new AsyncLocalStorage<Scope>();

/** What a request whose client has gone gets (nobody reads it; it keeps the logs quiet). */
export const clientGone = () =>
  new AppError('bad_request', 'The client closed the connection before the answer');

/** The backend key of a node-postgres client: undocumented but stable members of `Client`. */
interface BackendKey {
  readonly processID: number | null;
  readonly secretKey: number | null;
  readonly host: string;
  readonly port: number;
}

/** How long the cancel socket may take to connect and write before it is dropped. */
const CANCEL_SOCKET_TIMEOUT_MS = 5000;

/**
 * Sends a protocol CancelRequest for the backend behind `client` and closes the socket. Best
 * effort: a failure only means the statement runs to its statement_timeout.
 */
export function sendCancelRequest(client: pg.ClientBase, onError?: (error: Error) => void): void {
  const key = client as unknown as BackendKey;
  if (key.processID === null || key.secretKey === null) return;
  const socket = key.host.startsWith('/')
    ? connect(`${key.host}/.s.PGSQL.${key.port}`)
    : connect(key.port, key.host);
  socket.setTimeout(CANCEL_SOCKET_TIMEOUT_MS, () => socket.destroy());
  socket.on('error', (error) => onError?.(error));
  socket.on('connect', () => {
    socket.end(serialize.cancel(key.processID!, key.secretKey!));
  });
}

function cancelScope(scope: Scope): void {
  for (const client of scope.held) {
    if (scope.cancelled.has(client)) continue;
    scope.cancelled.add(client);
    sendCancelRequest(client);
  }
}

/**
 * Runs `run` so that the statements it sends through a `cancellablePool` are cancelled when
 * `signal` aborts. Already aborted: `run` is not called.
 */
export async function runCancellable<T>(signal: AbortSignal, run: () => Promise<T>): Promise<T> {
  if (signal.aborted) throw clientGone();
  const scope: Scope = { signal, held: new Set(), cancelled: new Set() };
  const onAbort = () => cancelScope(scope);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await scopes.run(scope, run);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/**
 * The pool Kysely uses: `pool`, with each checkout recorded in the current cancellation scope
 * (if any) until it is released.
 */
export function cancellablePool(pool: pg.Pool): PostgresPool {
  return {
    options: pool.options,
    async connect(): Promise<PostgresPoolClient> {
      const scope = scopes.getStore();
      if (scope?.signal.aborted) throw clientGone();
      const client = await pool.connect();
      // pg-pool listens for errors of idle clients only. A checked-out client whose server
      // goes away between two statements (a restart) would emit an unhandled 'error' and end
      // the process; its next statement fails instead, and the pool drops it on release.
      let broken = false;
      const onError = () => {
        broken = true;
      };
      client.on('error', onError);
      const release = client.release.bind(client);
      if (scope?.signal.aborted) {
        client.off('error', onError);
        release();
        throw clientGone();
      }
      scope?.held.add(client);
      // pg-pool gives every checkout a fresh `release`, so this wrapper lives for this one.
      client.release = (destroy?: boolean | Error) => {
        client.off('error', onError);
        scope?.held.delete(client);
        release(broken || scope?.cancelled.has(client) ? true : destroy);
      };
      return client;
    },
    end: () => pool.end(),
  };
}

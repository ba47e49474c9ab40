import { EventEmitter } from 'node:events';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { serialize } from 'pg-protocol';

type Message = Parameters<typeof serialize.parse>[0];
type BindConfig = Parameters<typeof serialize.bind>[0];
type ExecuteConfig = Parameters<typeof serialize.execute>[0];
type PortalConfig = Parameters<typeof serialize.describe>[0];
interface PreparedStatements {
  parsed: Record<string, string>;
  submitted: Record<string, string>;
}

/**
 * A node-postgres connection to an in-process PGlite: PGlite's own adapter
 * (`@electric-sql/pglite/node-postgres`, 0.5.x) with one change. The adapter's pool config
 * shares one connection object between all the clients the pool ever makes. pg-pool ends a
 * client whose query failed and makes a new one; ending the old client then removes the new
 * client's listeners and sends it the old one's 'end', so it dies ("Connection terminated
 * unexpectedly") and queued queries get answers out of step ("unexpected rowDescription
 * message"). After any failing statement (a unique or foreign-key violation) the next requests
 * failed too, or hung. Here every client gets a connection of its own (pglitePoolConfig);
 * pglite-connection.test.ts fails on the upstream adapter.
 */
export class PgliteConnection extends EventEmitter {
  readonly #pglite: PGlite;
  #queue: Promise<unknown>;
  #emitMessage = false;
  // pg's Client.end() checks these.
  _connecting = false;
  readonly stream = { destroy: () => this.end() };
  // Named prepared statements live in PGlite's one backend session, not in a connection: all
  // connections to one PGlite share the record of what was prepared, or a new client would
  // prepare a statement again and fail with "prepared statement already exists".
  readonly parsedStatements: Record<string, string>;
  readonly submittedNamedStatements: Record<string, string>;

  constructor(pglite: PGlite, statements: PreparedStatements) {
    super();
    this.#pglite = pglite;
    this.parsedStatements = statements.parsed;
    this.submittedNamedStatements = statements.submitted;
    this.#queue = pglite.waitReady;
    this.on('newListener', (event) => {
      if (event === 'message') this.#emitMessage = true;
    });
  }

  #send(buffer: Buffer): void {
    this.#queue = this.#queue
      .then(() => this.#pglite.execProtocolStream(buffer, { throwOnError: false }))
      .then((messages) => {
        for (const m of messages) {
          if (this.#emitMessage) this.emit('message', m);
          this.emit(m.name === 'error' ? 'errorMessage' : m.name, m);
        }
      })
      .catch((error: unknown) => this.emit('error', error));
  }

  connect(): void {
    this._connecting = true;
    void this.#pglite.waitReady.then(() => process.nextTick(() => this.emit('readyForQuery')));
  }

  requestSsl(): void {}
  startup(): void {}
  cancel(): void {}
  password(): void {}
  ref(): void {}
  unref(): void {}

  query(text: string): void {
    this.#send(serialize.query(text));
  }
  parse(query: Message): void {
    this.#send(serialize.parse(query));
  }
  bind(config: BindConfig): void {
    this.#send(serialize.bind(config));
  }
  describe(config: PortalConfig): void {
    this.#send(serialize.describe(config));
  }
  execute(config: ExecuteConfig): void {
    this.#send(serialize.execute(config));
  }
  close(config: PortalConfig): void {
    this.#send(serialize.close(config));
  }
  flush(): void {
    this.#send(serialize.flush());
  }
  sync(): void {
    this.#send(serialize.sync());
  }
  sendCopyFromChunk(chunk: Buffer): void {
    this.#send(serialize.copyData(chunk));
  }
  endCopyFrom(): void {
    this.#send(serialize.copyDone());
  }
  sendCopyFail(message: string): void {
    this.#send(serialize.copyFail(message));
  }

  end(): void {
    // Like a socket closing: the client waits for 'end' after what it sent was answered.
    this.#queue = this.#queue.then(() => {
      this.emit('end');
      this.removeAllListeners();
    });
  }
}

/** node-postgres pool settings for one PGlite: one client at a time, each with its own connection. */
export function pglitePoolConfig(pglite: PGlite): pg.PoolConfig {
  const statements: PreparedStatements = { parsed: {}, submitted: {} };
  class PgliteClient extends pg.Client {
    constructor(config?: pg.ClientConfig) {
      super({
        ...config,
        connection: new PgliteConnection(pglite, statements),
      } as pg.ClientConfig);
    }
  }
  return {
    Client: PgliteClient,
    max: 1,
    user: 'postgres',
    password: 'unused',
    database: 'postgres',
    host: 'localhost',
    port: 5432,
  };
}

/**
 * Identical reads share one database round trip while they wait for it.
 *
 * Under load a list request spends most of its life waiting for a pooled connection, and the
 * requests dashboards and agents send most (a property's first page of players) are often the
 * same. A read that arrives while an identical one is still waiting joins it and gets the same
 * answer. A flight closes to newcomers the moment it gets its connection (`started`), so every
 * member's answer comes from a snapshot taken after that member arrived: nothing a client wrote
 * before asking can be missing from what it reads. Reads already running are never joined.
 *
 * The key must hold everything the answer depends on (tenant, path and query, headers that
 * change it); the caller builds it. A member whose client goes away does not stop the flight;
 * the flight's own signal aborts only when every member has gone.
 */
interface Flight {
  readonly controller: AbortController;
  promise: Promise<unknown>;
  members: number;
  gone: number;
  open: boolean;
}

export class ReadCoalescer {
  readonly #waiting = new Map<string, Flight>();
  #flights = 0;
  #joined = 0;

  /** Flights started, and reads that joined one instead of starting their own. */
  get stats(): { flights: number; joined: number } {
    return { flights: this.#flights, joined: this.#joined };
  }

  /**
   * `start(signal, started)` does the read; it must call `started()` once it holds its
   * connection (before sending anything) and stop when `signal` aborts.
   */
  run<T>(
    key: string,
    signal: AbortSignal,
    start: (signal: AbortSignal, started: () => void) => Promise<T>,
  ): Promise<T> {
    let flight = this.#waiting.get(key);
    if (flight && flight.open && !flight.controller.signal.aborted) {
      this.#joined++;
    } else {
      flight = this.#begin(key, start);
    }
    const member = flight;
    member.members++;
    const leave = () => {
      member.gone++;
      if (member.gone === member.members) member.controller.abort();
    };
    if (signal.aborted) leave();
    else signal.addEventListener('abort', leave, { once: true });
    return member.promise as Promise<T>;
  }

  #begin<T>(key: string, start: (signal: AbortSignal, started: () => void) => Promise<T>): Flight {
    this.#flights++;
    const flight: Flight = {
      controller: new AbortController(),
      promise: Promise.resolve(),
      members: 0,
      gone: 0,
      open: true,
    };
    const close = () => {
      flight.open = false;
      if (this.#waiting.get(key) === flight) this.#waiting.delete(key);
    };
    this.#waiting.set(key, flight);
    flight.promise = start(flight.controller.signal, close);
    flight.promise.then(close, close);
    return flight;
  }
}

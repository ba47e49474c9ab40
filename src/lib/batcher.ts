/**
 * Coalesces the calls made while the event loop works through one turn into one call of `run`,
 * so a busy server sends one statement for many requests instead of one each. An idle server
 * adds only a setImmediate to a call. `run` answers one result per input, in input order; an
 * Error in a result's place fails only that call, a thrown error fails the whole batch.
 */
export class Batcher<I, R> {
  readonly #run: (inputs: I[]) => Promise<(R | Error)[]>;
  readonly #maxBatch: number;
  #queue: { input: I; resolve: (result: R) => void; reject: (error: unknown) => void }[] = [];
  #scheduled = false;

  constructor(run: (inputs: I[]) => Promise<(R | Error)[]>, maxBatch = 500) {
    this.#run = run;
    this.#maxBatch = maxBatch;
  }

  load(input: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ input, resolve, reject });
      if (this.#queue.length >= this.#maxBatch) {
        this.#flush();
      } else if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#scheduled = false;
    const items = this.#queue;
    if (items.length === 0) return;
    this.#queue = [];
    this.#run(items.map((item) => item.input)).then(
      (results) =>
        items.forEach((item, i) => {
          const result = results[i]!;
          if (result instanceof Error) item.reject(result);
          else item.resolve(result);
        }),
      (error: unknown) => items.forEach((item) => item.reject(error)),
    );
  }
}

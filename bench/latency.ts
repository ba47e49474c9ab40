/**
 * Latencies of every request or transaction of a run, in milliseconds, and their percentiles.
 * autocannon's result has p90, p97.5 and p99 but no p95, and records whole milliseconds, so the
 * bench records each response time itself (sub-millisecond) and ranks them here.
 */
export class LatencyRecorder {
  #values = new Float64Array(1024);
  #count = 0;

  record(ms: number): void {
    if (this.#count === this.#values.length) {
      const grown = new Float64Array(this.#values.length * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#values[this.#count++] = ms;
  }

  get count(): number {
    return this.#count;
  }

  percentiles(): Percentiles {
    return percentiles(this.#values.subarray(0, this.#count));
  }
}

export interface Percentiles {
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

/**
 * Nearest-rank percentiles: p95 is the smallest latency that at least 95 % of the values do
 * not exceed. Zero when there is no value.
 */
export function percentiles(values: ArrayLike<number>): Percentiles {
  const sorted = Float64Array.from(values).sort();
  const rank = (p: number) =>
    sorted.length === 0 ? 0 : sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return { p50Ms: rank(50), p95Ms: rank(95), p99Ms: rank(99) };
}

import { request } from './load.ts';
import type { ServerProcess } from './server.ts';

/**
 * Issue 17: what the fleet's `/metrics` say, summed over its processes, compared with what a test
 * did. Samples are keyed `name{label="value",…}` exactly as exposed.
 */
export type Scrape = ReadonlyMap<string, number>;

async function scrapeOne(server: ServerProcess): Promise<Map<string, number>> {
  const answer = await request(`${server.url}/metrics`);
  if (answer.status !== 200) {
    throw new Error(`GET ${server.url}/metrics answered ${answer.status}: ${answer.body}`);
  }
  const samples = new Map<string, number>();
  for (const line of answer.body.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

/** Every process's samples, summed. */
export async function scrapeFleet(fleet: readonly ServerProcess[]): Promise<Scrape> {
  const sum = new Map<string, number>();
  for (const samples of await Promise.all(fleet.map(scrapeOne))) {
    for (const [key, value] of samples) sum.set(key, (sum.get(key) ?? 0) + value);
  }
  return sum;
}

/** The sample's key as prom-client writes it (labels in the order the metric declares them). */
export function sample(name: string, labels: Record<string, string>): string {
  const pairs = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  return pairs.length === 0 ? name : `${name}{${pairs.join(',')}}`;
}

/**
 * How much each sample grew since `before`, once the counts reach `expected` (onResponse hooks
 * run just after the answer is written: a scrape at once may race the last few), or after 5 s.
 */
export async function grewBy(
  fleet: readonly ServerProcess[],
  before: Scrape,
  expected: Readonly<Record<string, number>>,
): Promise<Record<string, number>> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const after = await scrapeFleet(fleet);
    const grown = Object.fromEntries(
      Object.keys(expected).map((key) => [key, (after.get(key) ?? 0) - (before.get(key) ?? 0)]),
    );
    const done = Object.entries(expected).every(([key, value]) => grown[key] === value);
    if (done || Date.now() > deadline) return grown;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

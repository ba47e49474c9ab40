import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';

/** The generated players file the import tests (test/players-import, reliability crash) use. */
export const PLAYERS_HEADER =
  'player_id,email,phone,First Name,last_name,status,tier,adt,coin_in,country,date_of_birth,traits.host';

/** Line `i` of the file; a quoted field with a comma in every row keeps quoting on the path. */
export function playerLine(i: number): string {
  const phone = `+1702555${String(i % 10_000).padStart(4, '0')}`;
  const day = String((i % 28) + 1).padStart(2, '0');
  const status = i % 7 === 0 ? 'inactive' : 'active';
  const tier = ['Gold', 'Silver', 'Bronze'][i % 3] ?? 'Bronze';
  return `P${i},p${i}@example.test,${phone},First${i},"Last, ${i}",${status},${tier},${i % 500}.5,${i * 10},US,1980-01-${day},host${i % 5}`;
}

export async function writePlayersCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write(`${PLAYERS_HEADER}\n`);
  for (let i = 0; i < rows; i += 1) {
    if (!out.write(`${playerLine(i)}\n`)) {
      await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
  }
  out.end();
  await finished(out);
}

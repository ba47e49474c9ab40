import { PassThrough } from 'node:stream';
import type { CliIo } from '../src/cli/io.ts';
import { runCommandLine } from '../src/cli/run.ts';
import type { CliResult } from './cli.ts';
import type { Harness } from './harness.ts';

/**
 * Runs a CLI command line in this process against the harness's database: the same parsing,
 * checks and work as `npm run cli` (and as the server runs for a CLI beside it), without the
 * cost of a process per case. Process-level behaviour is covered by test/cli*.test.ts.
 */
export async function runCliHere(h: Harness, argv: readonly string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: new PassThrough(),
    cwd: process.cwd(),
  };
  const code = await runCommandLine(argv, io, async (work) => ({ ran: await work(h.deps) }));
  return { code, stdout, stderr };
}

import type { Readable } from 'node:stream';
import type { ProgressOutput } from './progress.ts';

/**
 * What a command reads and writes besides the database. A command run by the server for a CLI
 * process (control.ts) gets that process's streams and working directory, relayed over the
 * folder's socket, so it must use these and never `process.std*` or `process.cwd()`.
 */
export interface CliIo {
  readonly stdout: ProgressOutput;
  readonly stderr: ProgressOutput;
  readonly stdin: Readable;
  /** Relative paths in arguments are resolved against this. */
  readonly cwd: string;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    cwd: process.cwd(),
  };
}

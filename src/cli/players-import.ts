import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Transform } from 'node:stream';
import { finished } from 'node:stream/promises';
import { AppError } from '../lib/errors.ts';
import { importPlayers, type ImportRowError, MAX_BATCH } from '../modules/players/index.ts';
import { isUuid } from '../modules/properties/index.ts';
import { optional, optionalInt, required, UsageError } from './args.ts';
import type { Command } from './commands.ts';
import { ProgressBar } from './progress.ts';

/** Exit status when the import finished but rejected some rows (each is reported). */
export const EXIT_ROWS_REJECTED = 3;
/** Rejected rows printed at the end; `--errors FILE` gets all of them. */
const PRINTED_ERRORS = 20;

const count = (n: number) => n.toLocaleString('en-US');

/** Counts the bytes that pass, for the progress bar (works for files and pipes alike). */
function byteCounter() {
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      counter.bytes += chunk.length;
      done(null, chunk);
    },
  }) as Transform & { bytes: number };
  counter.bytes = 0;
  return counter;
}

const csvField = (value: string) =>
  /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;

export const playersImport: Command = {
  name: 'players import',
  usage: `--property UUID --file players.csv|- [--batch-size ${MAX_BATCH}] [--errors rejected.csv]`,
  options: ['property', 'file', 'batch-size', 'errors'],
  prepare(values, io) {
    const propertyId = required(values, 'property').trim();
    if (!isUuid(propertyId)) throw new UsageError(`--property must be a property id (uuid)`);
    const named = required(values, 'file');
    const file = named === '-' ? named : resolve(io.cwd, named);
    const batchSize = optionalInt(values, 'batch-size');
    if (batchSize !== undefined && batchSize > MAX_BATCH) {
      throw new UsageError(`--batch-size must be from 1 to ${MAX_BATCH}`);
    }
    const errorsNamed = optional(values, 'errors');
    const errorsPath = errorsNamed === undefined ? undefined : resolve(io.cwd, errorsNamed);
    let totalBytes: number | undefined;
    if (file !== '-') {
      try {
        totalBytes = statSync(file).size;
      } catch (error) {
        throw new UsageError(`--file ${named}: ${(error as Error).message}`);
      }
    }

    return async (deps) => {
      const started = Date.now();
      const counter = byteCounter();
      const input = file === '-' ? io.stdin : createReadStream(file);
      input.on('error', (error: Error) => counter.destroy(error));
      const errorsFile = errorsPath ? createWriteStream(errorsPath) : undefined;
      errorsFile?.write('line,player_id,error\n');
      const bar = new ProgressBar(io.stderr, 'players import');
      let progress = { rows: 0, inserted: 0, updated: 0, rejected: 0 };
      const draw = (final = false) => {
        const elapsed = Math.max(1, Date.now() - started) / 1000;
        bar.update(
          {
            bytes: counter.bytes,
            totalBytes,
            detail: `${count(progress.rows)} rows · ${count(Math.round(progress.rows / elapsed))} rows/s · ${count(progress.rejected)} rejected`,
          },
          final,
        );
      };
      const onRowError = (error: ImportRowError) => {
        errorsFile?.write(
          `${error.line},${csvField(error.player_id ?? '')},${csvField(error.error)}\n`,
        );
      };
      try {
        const summary = await importPlayers(deps, propertyId, input.pipe(counter), {
          batchSize,
          keepErrors: PRINTED_ERRORS,
          onRowError,
          onProgress: (state) => {
            progress = { ...state };
            draw();
          },
        });
        draw(true);
        const seconds = (Date.now() - started) / 1000;
        const lines = [
          `imported ${count(summary.rows)} rows into property ${propertyId} in ${seconds.toFixed(1)}s: ` +
            `${count(summary.inserted)} inserted, ${count(summary.updated)} updated, ${count(summary.rejected)} rejected`,
          ...summary.errors.map(
            (error) =>
              `  line ${error.line}${error.player_id ? ` (${error.player_id})` : ''}: ${error.error}`,
          ),
        ];
        if (summary.rejected > summary.errors.length) {
          lines.push(
            `  … and ${count(summary.rejected - summary.errors.length)} more${errorsNamed ? ` in ${errorsNamed}` : ' (--errors FILE lists them all)'}`,
          );
        }
        return {
          json: { ...summary, property_id: propertyId, seconds },
          text: lines.join('\n'),
          exitCode: summary.rejected > 0 ? EXIT_ROWS_REJECTED : 0,
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).syscall) {
          throw new AppError('validation_failed', `--file ${named}: ${(error as Error).message}`);
        }
        throw error;
      } finally {
        if (errorsFile) {
          errorsFile.end();
          await finished(errorsFile);
        }
      }
    };
  },
};

import { useCallback, useRef, useState } from 'react';
import { useImportBatch, IMPORT_BATCH } from '../../data/import.queries.ts';
import { type CsvRecord, isProblem, type RowProblem, type Target, toPlayer } from './csv.ts';

export interface Progress {
  /** Data rows in the file (header excluded). */
  total: number;
  /** Rows handled so far: sent and answered, or refused before sending. */
  done: number;
  created: number;
  updated: number;
  failed: number;
}

/** A row not imported: refused by the screen before sending (`problem`) or by the API (`api`). */
export interface RowError {
  line: number;
  playerId: string | null;
  problem?: RowProblem;
  api?: string;
}

/** The rows whose reasons are kept for the screen; the counts go on past it. */
const KEEP_ERRORS = 200;

export type RunState =
  | { phase: 'idle' }
  | { phase: 'running' | 'done'; progress: Progress; errors: RowError[] }
  | { phase: 'stopped'; progress: Progress; errors: RowError[]; error: unknown };

const playerIdOf = (cells: readonly string[], targets: readonly Target[]) => {
  const index = targets.indexOf('player_id');
  return cells[index]?.trim() || null;
};

/**
 * Sends the file's rows to the batch upsert a batch at a time and reports the counts after
 * each answer. A player_id already in the batch starts the next one (the API refuses a repeat
 * within a batch), so the later line wins as in the CLI. An answer that is not a success
 * (403, no network) stops the import; the rows already sent stay imported.
 */
export function useImportRun(propertyId: string) {
  const { send, done } = useImportBatch(propertyId);
  const [state, setState] = useState<RunState>({ phase: 'idle' });
  const running = useRef(false);

  const start = useCallback(
    async (records: CsvRecord[], targets: Target[]) => {
      if (running.current) return;
      running.current = true;
      const progress: Progress = {
        total: records.length,
        done: 0,
        created: 0,
        updated: 0,
        failed: 0,
      };
      const errors: RowError[] = [];
      const report = (phase: 'running' | 'done') =>
        setState({ phase, progress: { ...progress }, errors: [...errors] });
      const reject = (error: RowError) => {
        progress.failed += 1;
        if (errors.length < KEEP_ERRORS) errors.push(error);
      };
      let batch: object[] = [];
      let lines: number[] = [];
      let ids = new Set<string>();
      const flush = async () => {
        if (batch.length === 0) return;
        const result = await send(batch);
        progress.created += result.inserted;
        progress.updated += result.updated;
        for (const error of result.errors) {
          reject({ line: lines[error.index] ?? 0, playerId: error.player_id, api: error.error });
        }
        progress.done += batch.length;
        batch = [];
        lines = [];
        ids = new Set();
        report('running');
      };
      report('running');
      try {
        for (const record of records) {
          const player = toPlayer(targets, record.cells);
          if (isProblem(player)) {
            reject({
              line: record.line,
              playerId: playerIdOf(record.cells, targets),
              problem: player,
            });
            progress.done += 1;
            continue;
          }
          const id = (player as { player_id: string }).player_id.trim();
          if (ids.has(id)) await flush();
          ids.add(id);
          batch.push(player);
          lines.push(record.line);
          if (batch.length >= IMPORT_BATCH) await flush();
        }
        await flush();
        report('done');
      } catch (error) {
        setState({ phase: 'stopped', progress: { ...progress }, errors: [...errors], error });
      } finally {
        running.current = false;
        await done();
      }
    },
    [send, done],
  );

  const reset = useCallback(() => setState({ phase: 'idle' }), []);
  return { state, start, reset };
}

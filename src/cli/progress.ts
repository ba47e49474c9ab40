/** Where progress goes: a terminal is redrawn in place, anything else gets a line per step. */
export interface ProgressOutput {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface ProgressState {
  /** Bytes of the input read so far. */
  readonly bytes: number;
  /** Size of the input, when known (not for a pipe). */
  readonly totalBytes: number | undefined;
  /** Free text after the bar, e.g. row counts. */
  readonly detail: string;
}

const BAR_WIDTH = 30;
const REDRAW_MS = 100;
/** Without a terminal, one line per this many percent (or per this many ms without a size). */
const STEP_PERCENT = 10;
const STEP_MS = 5_000;

const seconds = (ms: number) => `${Math.round(ms / 1000)}s`;

/**
 * A progress bar on stderr: `label [#####·····] 52% 520,000 rows · 41,200 rows/s · ETA 12s`.
 * On a terminal it is redrawn in place at most ten times a second; in a log (CI, a pipe) it
 * prints a line each 10 % instead, so the log stays short.
 */
export class ProgressBar {
  private readonly startedAt = Date.now();
  private lastDrawAt = 0;
  private lastStep = -1;
  private readonly output: ProgressOutput;
  private readonly label: string;

  constructor(output: ProgressOutput, label: string) {
    this.output = output;
    this.label = label;
  }

  update(state: ProgressState, final = false): void {
    const now = Date.now();
    const fraction =
      state.totalBytes === undefined || state.totalBytes === 0
        ? undefined
        : Math.min(1, state.bytes / state.totalBytes);
    if (this.output.isTTY) {
      if (!final && now - this.lastDrawAt < REDRAW_MS) return;
      this.lastDrawAt = now;
      this.output.write(`\r\u001b[K${this.render(state, fraction, now)}${final ? '\n' : ''}`);
      return;
    }
    const step =
      fraction === undefined
        ? Math.floor((now - this.startedAt) / STEP_MS)
        : Math.floor((fraction * 100) / STEP_PERCENT);
    // A final update repeats the 100 % line the last batch has usually drawn already.
    if (step === this.lastStep && (!final || fraction !== undefined)) return;
    this.lastStep = step;
    this.output.write(`${this.render(state, fraction, now)}\n`);
  }

  private render(state: ProgressState, fraction: number | undefined, now: number): string {
    const elapsed = now - this.startedAt;
    if (fraction === undefined) return `${this.label} ${state.detail} · ${seconds(elapsed)}`;
    const filled = Math.round(fraction * BAR_WIDTH);
    const bar = `[${'#'.repeat(filled)}${'·'.repeat(BAR_WIDTH - filled)}]`;
    const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
    const eta =
      fraction > 0 && fraction < 1
        ? ` · ETA ${seconds((elapsed / fraction) * (1 - fraction))}`
        : '';
    return `${this.label} ${bar} ${percent} ${state.detail}${eta}`;
  }
}

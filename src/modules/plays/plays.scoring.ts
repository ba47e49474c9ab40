import { AppError } from '../../lib/errors.ts';

/** What the browser reports at the end of a play; the server decides what it is worth. */
export interface PlayFacts {
  duration_ms: number;
  pairs_found?: number | undefined;
  moves?: number | undefined;
  taps?: number | undefined;
  /** grid-box-reveal: the box the player picked, 0 to boxes - 1. */
  box_index?: number | undefined;
}

export interface ScoringInput {
  template: string;
  config: Record<string, unknown>;
  facts: PlayFacts;
  /** Time between the server admitting the play and receiving the report. */
  serverElapsedMs: number;
}

const MIN_MS_PER_PAIR = 300;
const MAX_TAPS_PER_SECOND = 15;
// Network and rendering time the browser's clock may legitimately disagree by.
const CLOCK_SLACK_MS = 3000;

const implausible = (reason: string) =>
  new AppError('validation_failed', `Implausible result: ${reason}`);

function numberOf(config: Record<string, unknown>, key: string, fallback: number): number {
  const value = config[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/**
 * The score of a completed play, computed on the server from the reported facts and checked
 * against what a person could do: bounds, the minimum time it takes, and the server's own
 * clock. Throws a 400 for a report no honest browser sends.
 */
export function scorePlay({ template, config, facts, serverElapsedMs }: ScoringInput): number {
  switch (template) {
    case 'spin-wheel':
    case 'scratch-card':
      return 0;
    case 'grid-box-reveal': {
      const boxes = numberOf(config, 'boxes', 9);
      const box = facts.box_index;
      if (box === undefined) {
        throw new AppError('validation_failed', 'grid-box-reveal reports box_index');
      }
      if (!Number.isInteger(box) || box < 0 || box >= boxes) {
        throw new AppError('validation_failed', `box_index must be 0 to ${boxes - 1}`);
      }
      return 0;
    }
    case 'memory-match': {
      const pairs = numberOf(config, 'pairs', 6);
      const limitMs = numberOf(config, 'duration_s', 60) * 1000;
      const found = facts.pairs_found;
      const moves = facts.moves;
      if (found === undefined || moves === undefined) {
        throw new AppError('validation_failed', 'memory-match reports pairs_found and moves');
      }
      if (found > pairs) throw implausible(`${found} pairs found of ${pairs}`);
      if (moves < found) throw implausible('fewer moves than pairs found');
      // The browser may not claim to be faster than it was on the server's clock.
      const duration = Math.max(facts.duration_ms, serverElapsedMs - CLOCK_SLACK_MS);
      if (duration < found * MIN_MS_PER_PAIR) throw implausible('faster than humanly possible');
      if (facts.duration_ms > limitMs + CLOCK_SLACK_MS) throw implausible('over the time limit');
      const secondsLeft = Math.max(0, Math.floor((limitMs - Math.min(duration, limitMs)) / 1000));
      return found * 100 + secondsLeft * 10;
    }
    case 'quick-tap': {
      const durationMs = numberOf(config, 'duration_s', 10) * 1000;
      const taps = facts.taps;
      if (taps === undefined) throw new AppError('validation_failed', 'quick-tap reports taps');
      if (serverElapsedMs < durationMs - CLOCK_SLACK_MS) throw implausible('finished too early');
      if (taps > Math.ceil((durationMs / 1000) * MAX_TAPS_PER_SECOND)) {
        throw implausible(`${taps} taps in ${durationMs / 1000} s`);
      }
      return taps;
    }
    default:
      throw new AppError('bad_request', `Unknown template ${template}`);
  }
}

/** How a play ended, for its play.completed event. */
export type PlayOutcome = 'win' | 'lose' | 'finished';

/**
 * `win` or `lose` for a template that has them (memory-match: every pair found in time), else
 * `finished`: a lucky draw (wheel, scratch card, box) or a tap round is played to its end; a
 * lucky draw's prize, if any, is drawn after this.
 */
export function playOutcome(
  template: string,
  config: Record<string, unknown>,
  facts: PlayFacts,
): PlayOutcome {
  if (template === 'memory-match') {
    return (facts.pairs_found ?? 0) >= numberOf(config, 'pairs', 6) ? 'win' : 'lose';
  }
  return 'finished';
}

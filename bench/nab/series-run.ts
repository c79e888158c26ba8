import type { SeriesRow } from './nab-csv';
import {
  DEFAULT_NOVELTY_SETTINGS,
  type NoveltySettings,
  type NoveltyVerdict,
  createNoveltyState,
  detectNovelty,
} from './novelty-detector';
import {
  DEFAULT_DETECTOR_SETTINGS,
  type DetectorSettings,
  type DetectorVerdict,
  createDetectorState,
  detectSpike,
} from '@tocsin/detection';

/**
 * Median gap between consecutive rows, ms: the sampling interval of a series whose rows may
 * have a few gaps. Undefined when no row comes after another.
 */
export function inferIntervalMs(rows: readonly Pick<SeriesRow, 'timestampMs'>[]): number | undefined {
  const gaps: number[] = [];
  for (let i = 1; i < rows.length; i += 1) {
    const gap = (rows[i]?.timestampMs ?? 0) - (rows[i - 1]?.timestampMs ?? 0);
    // A repeated or backward timestamp says nothing of the sampling interval.
    if (gap > 0) {
      gaps.push(gap);
    }
  }
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor((gaps.length - 1) / 2)];
}

type Point = Pick<SeriesRow, 'timestampMs' | 'value'>;

/** Feeds a series row by row, as a stream would, to a detector's step from its initial state. */
function runSeries<S, V>(
  rows: readonly Point[],
  initial: S,
  step: (state: S, row: Point) => { state: S; verdict: V },
): { verdicts: V[]; stateBytes: number } {
  let state = initial;
  const verdicts = rows.map((row) => {
    const next = step(state, row);
    state = next.state;
    return next.verdict;
  });
  return { verdicts, stateBytes: JSON.stringify(state).length };
}

/**
 * Runs the detector over a whole series from a fresh state, row by row as a stream would.
 * @returns one verdict per row, in order, and the final state's JSON length in bytes
 */
export function detectSeries(
  rows: readonly Point[],
  settings: DetectorSettings = DEFAULT_DETECTOR_SETTINGS,
): { verdicts: DetectorVerdict[]; stateBytes: number } {
  return runSeries(rows, createDetectorState(settings), (state, row) =>
    detectSpike(state, row.timestampMs, row.value, settings),
  );
}

/**
 * Runs the shape-novelty detector over a whole series from a fresh state, row by row;
 * `knownMaxValue` seeds its scale (see createNoveltyState).
 * @returns one verdict per row, in order, and the final state's JSON length in bytes
 */
export function detectNoveltySeries(
  rows: readonly Point[],
  settings: NoveltySettings = DEFAULT_NOVELTY_SETTINGS,
  knownMaxValue = 0,
): { verdicts: NoveltyVerdict[]; stateBytes: number } {
  return runSeries(rows, createNoveltyState(settings, knownMaxValue), (state, row) =>
    detectNovelty(state, row.timestampMs, row.value, settings),
  );
}

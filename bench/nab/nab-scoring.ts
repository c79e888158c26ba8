/**
 * The Numenta Anomaly Benchmark's scoring rules (nab/sweeper.py), reproduced so Tocsin's
 * detector can be judged against published results with the very same arithmetic.
 */

/** Cost weights of one NAB profile. */
export interface NabProfile {
  tpWeight: number;
  fpWeight: number;
  fnWeight: number;
}

export const NAB_PROFILE_NAMES = ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'] as const;
export type NabProfileName = (typeof NAB_PROFILE_NAMES)[number];

export const NAB_PROFILES: Readonly<Record<NabProfileName, NabProfile>> = {
  standard: { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 },
  reward_low_FP_rate: { tpWeight: 1, fpWeight: 0.22, fnWeight: 1 },
  reward_low_FN_rate: { tpWeight: 1, fpWeight: 0.11, fnWeight: 2 },
};

/** An anomaly window as row indices, both ends inclusive. */
export interface NabWindowRows {
  startRow: number;
  endRow: number;
}

/** NAB's share of leading rows that are never scored, capped at 750 rows (= 0.15 × 5000). */
const PROBATION_SHARE = 0.15;
const PROBATION_CAP_ROWS = 750;

/** Rows at the start of a file of `rowCount` rows that NAB does not score. */
export function computeProbationRows(rowCount: number): number {
  return Math.min(Math.floor(PROBATION_SHARE * rowCount), PROBATION_CAP_ROWS);
}

/**
 * NAB's scaled sigmoid: ≈ +1 far before a window's end, 0 at its end, → −1 three widths past it.
 * @param relativePosition position relative to a window, in window widths
 */
export function scaleSigmoid(relativePosition: number): number {
  if (relativePosition > 3) {
    return -1;
  }
  return 2 / (1 + Math.exp(5 * relativePosition)) - 1;
}

/**
 * Maps each window's inclusive [start, end] timestamps to row indices, reading rows in file
 * order as NAB does (nab/sweeper.py): a window opens at the first row, after the previous
 * window, stamped with its start and closes at the next row stamped with its end, so a repeated
 * or backward timestamp elsewhere does not move it. A bound that names no row snaps inward.
 * @param timestampsMs row timestamps, ms since epoch, in file order
 * @param windowsMs windows as [startMs, endMs], inclusive, in time order
 */
export function locateWindowRows(
  timestampsMs: readonly number[],
  windowsMs: readonly (readonly [number, number])[],
): NabWindowRows[] {
  let searchFrom = 0;
  return windowsMs.map(([startMs, endMs]) => {
    const rowAt = (predicate: (t: number) => boolean, from: number): number => {
      for (let row = from; row < timestampsMs.length; row += 1) {
        if (predicate(timestampsMs[row] ?? Number.NaN)) {
          return row;
        }
      }
      return -1;
    };
    let startRow = rowAt((t) => t === startMs, searchFrom);
    if (startRow < 0) {
      startRow = rowAt((t) => t >= startMs && t <= endMs, searchFrom);
    }
    let endRow = startRow < 0 ? -1 : rowAt((t) => t === endMs, startRow);
    if (startRow >= 0 && endRow < 0) {
      // No row carries the end: the window closes at the last row before time passes it.
      endRow = startRow;
      while (endRow + 1 < timestampsMs.length && (timestampsMs[endRow + 1] ?? Infinity) <= endMs) {
        endRow += 1;
      }
    }
    if (startRow < 0 || endRow < startRow) {
      throw new RangeError(`window [${startMs}, ${endMs}] holds no row`);
    }
    searchFrom = endRow + 1;
    return { startRow, endRow };
  });
}

/** One file's score split into its parts, for reports. */
export interface NabFileScore {
  score: number;
  /** Windows that reach past the probation period; the normalisation counts only these. */
  scoredWindows: number;
  truePositives: number;
  falseNegatives: number;
  falsePositives: number;
  /**
   * Where the score falls short of a perfect detector's, in raw points: windows missed (each
   * costs tpWeight + fnWeight), windows detected after their start (tpWeight minus the earliest
   * detection's weight), and detections outside every window (what they cost).
   */
  shortfall: { missed: number; late: number; falsePositives: number };
}

/**
 * Scores one file's detections under one profile exactly as NAB does: rows in the probation
 * period are ignored, a window earns its earliest detection's sigmoid weight (or costs
 * −fnWeight), and each detection outside windows costs according to its distance from the last
 * window that ended before it (−fpWeight when none did).
 * @param detections one flag per row, true when the row's anomaly score ≥ threshold
 * @param windows the file's windows, in row order, not overlapping
 */
export function scoreNabFile(
  detections: readonly boolean[],
  windows: readonly NabWindowRows[],
  profile: NabProfile,
): NabFileScore {
  const probationRows = computeProbationRows(detections.length);
  const maxTruePositive = scaleSigmoid(-1);
  const windowScores = new Map<number, number>();
  let falsePositiveSum = 0;
  let falsePositives = 0;
  let windowIndex = 0;
  let previous: NabWindowRows | undefined;

  for (let row = 0; row < detections.length; row += 1) {
    let current = windows[windowIndex];
    while (current && row > current.endRow) {
      previous = current;
      windowIndex += 1;
      current = windows[windowIndex];
    }
    const inWindow = current !== undefined && row >= current.startRow;
    if (row >= probationRows && inWindow && !windowScores.has(windowIndex)) {
      // A window that reaches past probation is scored, detected or not.
      windowScores.set(windowIndex, -profile.fnWeight);
    }
    if (row < probationRows || detections[row] !== true) {
      continue;
    }
    if (current && inWindow) {
      const width = current.endRow - current.startRow + 1;
      const weight = (scaleSigmoid(-(current.endRow - row + 1) / width) * profile.tpWeight) / maxTruePositive;
      windowScores.set(windowIndex, Math.max(windowScores.get(windowIndex) ?? -Infinity, weight));
    } else {
      falsePositives += 1;
      falsePositiveSum += previous
        ? scaleSigmoid(Math.abs(row - previous.endRow) / (previous.endRow - previous.startRow)) * profile.fpWeight
        : -profile.fpWeight;
    }
  }

  let windowSum = 0;
  let truePositives = 0;
  let late = 0;
  for (const value of windowScores.values()) {
    windowSum += value;
    // A detection anywhere in a window is worth more than 0, so only misses are negative.
    if (value > 0) {
      truePositives += 1;
      late += profile.tpWeight - value;
    }
  }
  const falseNegatives = windowScores.size - truePositives;
  return {
    score: windowSum + falsePositiveSum,
    scoredWindows: windowScores.size,
    truePositives,
    falseNegatives,
    falsePositives,
    shortfall: {
      missed: falseNegatives * (profile.tpWeight + profile.fnWeight),
      late,
      falsePositives: falsePositiveSum === 0 ? 0 : -falsePositiveSum,
    },
  };
}

/**
 * NAB's normalised corpus score: 100 for a perfect detector, 0 for one that never fires.
 * @param rawScore sum of the files' raw scores
 * @param windowCount windows scored across the files
 */
export function normaliseNabScore(rawScore: number, windowCount: number, profile: NabProfile): number {
  const nullScore = -profile.fnWeight * windowCount;
  const perfectScore = profile.tpWeight * windowCount;
  return (100 * (rawScore - nullScore)) / (perfectScore - nullScore);
}

/** One file prepared for scoring: its anomaly scores per row and its windows. */
export interface NabScoredFile {
  name: string;
  anomalyScores: readonly number[];
  windows: readonly NabWindowRows[];
}

/** Scores of a set of files under one profile at one threshold. */
export interface NabCorpusScore {
  normalised: number;
  raw: number;
  files: (NabFileScore & { name: string })[];
}

/**
 * Scores several files as NAB scores a corpus: raw scores add up, then normalise.
 * @param threshold a row is a detection when its anomaly score ≥ threshold
 */
export function scoreNabCorpus(
  files: readonly NabScoredFile[],
  threshold: number,
  profile: NabProfile,
): NabCorpusScore {
  const scored = files.map((file) => ({
    name: file.name,
    ...scoreNabFile(
      file.anomalyScores.map((score) => score >= threshold),
      file.windows,
      profile,
    ),
  }));
  const raw = scored.reduce((sum, file) => sum + file.score, 0);
  const windowCount = scored.reduce((sum, file) => sum + file.scoredWindows, 0);
  return { normalised: normaliseNabScore(raw, windowCount, profile), raw, files: scored };
}

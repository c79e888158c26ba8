import {
  NAB_PROFILE_NAMES,
  NAB_PROFILES,
  type NabProfile,
  type NabProfileName,
  normaliseNabScore,
} from './nab-scoring';

/** One file's raw score and scored windows under one profile. */
export interface FileResult {
  raw: number;
  windows: number;
}

/** Normalised score of a set of files' results. */
export function normaliseResults(results: readonly FileResult[], profile: NabProfile): number {
  const raw = results.reduce((sum, result) => sum + result.raw, 0);
  const windows = results.reduce((sum, result) => sum + result.windows, 0);
  return normaliseNabScore(raw, windows, profile);
}

/**
 * For each fold, the candidate that scores best on every file outside the fold: the choice
 * never sees the files it will be judged on. The first candidate (a grid lists its most
 * principled setting first) keeps its place unless another beats it by more than `margin`
 * points, so a difference within the bench's own noise does not move the defaults.
 * @param results per candidate, per file, under the profile the choice optimises
 * @param folds file indices held out together (a category, or one file)
 * @param margin normalised points another candidate must gain over the first to replace it
 * @returns the chosen candidate index per fold
 */
export function chooseOnOthers(
  results: readonly (readonly FileResult[])[],
  folds: readonly (readonly number[])[],
  profile: NabProfile,
  margin = 0,
): number[] {
  return folds.map((fold) => {
    const heldOut = new Set(fold);
    const scores = results.map((files) =>
      normaliseResults(
        files.filter((_, index) => !heldOut.has(index)),
        profile,
      ),
    );
    let best = 0;
    scores.forEach((score, candidate) => {
      if (score > (scores[best] ?? -Infinity)) {
        best = candidate;
      }
    });
    return (scores[best] ?? 0) > (scores[0] ?? 0) + margin ? best : 0;
  });
}

/**
 * The held-out results: each fold's files as scored by the candidate chosen without them.
 * @param results per candidate, per file, under the profile being reported
 */
export function heldOutResults(
  results: readonly (readonly FileResult[])[],
  folds: readonly (readonly number[])[],
  choices: readonly number[],
): FileResult[] {
  return folds.flatMap((fold, foldIndex) =>
    fold.map((file) => {
      const result = results[choices[foldIndex] ?? 0]?.[file];
      if (!result) {
        throw new RangeError(`no result for file ${file} under candidate ${choices[foldIndex]}`);
      }
      return result;
    }),
  );
}

/** Each profile's held-out score (standard, reward_low_FP, reward_low_FN), to two decimals. */
export function heldOutFigures(
  candidates: ReadonlyArray<{ results: Record<NabProfileName, readonly FileResult[]> }>,
  folds: readonly (readonly number[])[],
  choices: readonly number[],
): string[] {
  return NAB_PROFILE_NAMES.map((profile) =>
    normaliseResults(
      heldOutResults(
        candidates.map((candidate) => candidate.results[profile]),
        folds,
        choices,
      ),
      NAB_PROFILES[profile],
    ).toFixed(2),
  );
}

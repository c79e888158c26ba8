import { mulberry32 } from '@tocsin/domain';
import type { FileResult } from './cross-validation';
import { type NabProfile, normaliseNabScore } from './nab-scoring';

/** How far apart two detectors are on a corpus, and how sure the corpus can be of it. */
export interface PairedGap {
  /** Normalised score of the first detector minus the second's, on the files as given. */
  gap: number;
  /** The central 95 % of that gap over corpora drawn from the files with replacement. */
  low: number;
  high: number;
  /** Share of those corpora on which the first detector scores above the second. */
  aboveShare: number;
}

/**
 * Paired bootstrap over files: draws corpora of the same size from the files with replacement
 * and scores both detectors on each draw, so the interval says how much of a gap comes from
 * which series a corpus happens to hold. Pairing by file keeps what both find hard out of the
 * spread. Seeded, so a report is reproducible.
 * @param first per file, the first detector's raw score and scored windows
 * @param second per file, in the same order, the second detector's raw score
 */
export function pairedBootstrap(
  first: readonly FileResult[],
  second: readonly number[],
  profile: NabProfile,
  draws = 10_000,
  seed = 1,
): PairedGap {
  if (first.length !== second.length || first.length === 0) {
    throw new RangeError(
      `pairedBootstrap needs the same non-empty files for both detectors, got ${first.length} and ${second.length}`,
    );
  }
  const gapOf = (indices: readonly number[]): number => {
    let firstRaw = 0;
    let secondRaw = 0;
    let windows = 0;
    for (const index of indices) {
      firstRaw += first[index]?.raw ?? 0;
      secondRaw += second[index] ?? 0;
      windows += first[index]?.windows ?? 0;
    }
    // A draw of files without a window has no normalised score: it counts as no gap.
    return windows === 0
      ? 0
      : normaliseNabScore(firstRaw, windows, profile) - normaliseNabScore(secondRaw, windows, profile);
  };
  const uniform = mulberry32(seed);
  const files = first.length;
  const gaps = Array.from({ length: draws }, () =>
    gapOf(Array.from({ length: files }, () => Math.floor(uniform() * files))),
  ).sort((a, b) => a - b);
  const quantile = (share: number) => gaps[Math.min(draws - 1, Math.floor(share * draws))] ?? 0;
  return {
    gap: gapOf(first.map((_, index) => index)),
    low: quantile(0.025),
    high: quantile(0.975),
    aboveShare: gaps.filter((gap) => gap > 0).length / draws,
  };
}

import { DEFAULT_DETECTOR_SETTINGS } from '@tocsin/detection';
import type { SeriesRow } from './nab-csv';
import { NAB_PROFILES, type NabScoredFile, scoreNabCorpus } from './nab-scoring';
import { DEFAULT_NOVELTY_SETTINGS } from './novelty-detector';
import { detectNoveltySeries, detectSeries } from './series-run';
import { loadNabFiles, parseBenchArgs, runBench, runDetector } from './nab-data';

/**
 * Overfitting check for the knobs tuned on NAB: for each file, choose the setting that scores
 * best (standard profile) on the other five, then score the held-out file with it. Prints the
 * choice per fold and the held-out scores beside the defaults'. The spike detector's knobs are
 * alertRarityMs and refractoryMs; the novelty detector's is its saturation ratio.
 */
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const RARITY_GRID_DAYS = [1, 2, 3, 5, 7, 10, 14, 30];
const REFRACTORY_GRID_HOURS = [3, 6, 12, 24];
const SATURATION_GRID = [null, 20, 50, 100, 200];

/** One candidate setting: its label and how it scores a series. */
interface Candidate {
  label: string;
  run: (rows: readonly SeriesRow[]) => number[];
}

const SPIKE_GRID: Candidate[] = RARITY_GRID_DAYS.flatMap((days) =>
  REFRACTORY_GRID_HOURS.map((hours) => ({
    label: `rarity ${days} d, refractory ${hours} h`,
    run: (rows: readonly SeriesRow[]) =>
      detectSeries(rows, {
        ...DEFAULT_DETECTOR_SETTINGS,
        alertRarityMs: days * DAY_MS,
        refractoryMs: hours * HOUR_MS,
      }).verdicts.map((verdict) => verdict.score),
  })),
);

const NOVELTY_GRID: Candidate[] = SATURATION_GRID.map((saturationRatio) => ({
  label: `saturation ${saturationRatio === null ? 'running max' : `${saturationRatio}x`}`,
  run: (rows: readonly SeriesRow[]) =>
    detectNoveltySeries(rows, { ...DEFAULT_NOVELTY_SETTINGS, saturationRatio }).verdicts.map(
      (verdict) => verdict.score,
    ),
}));

function main(): void {
  const { nabDir, detector, lookAhead } = parseBenchArgs(process.argv.slice(2));
  if (lookAhead) {
    throw new RangeError('--look-ahead is not supported by the leave-one-out check: its grid is streaming only');
  }
  const grid = detector === 'novelty' ? NOVELTY_GRID : SPIKE_GRID;
  const runDefault = (rows: readonly SeriesRow[]): number[] => runDetector(detector, rows).scores;
  const files = loadNabFiles(nabDir);
  const profile = NAB_PROFILES.standard;
  const scoredBySettings = grid.map((candidate) =>
    files.map((file): NabScoredFile => ({
      name: file.name,
      windows: file.windows,
      anomalyScores: candidate.run(file.rows),
    })),
  );
  const defaultScored = files.map((file): NabScoredFile => ({
    name: file.name,
    windows: file.windows,
    anomalyScores: runDefault(file.rows),
  }));

  const heldOut: NabScoredFile[] = [];
  files.forEach((file, index) => {
    const trainScores = scoredBySettings.map(
      (scored) =>
        scoreNabCorpus(
          scored.filter((_, other) => other !== index),
          0.5,
          profile,
        ).normalised,
    );
    const best = trainScores.indexOf(Math.max(...trainScores));
    const chosen = scoredBySettings[best]?.[index];
    if (chosen) {
      heldOut.push(chosen);
    }
    const testRaw = chosen ? scoreNabCorpus([chosen], 0.5, profile).raw : Number.NaN;
    process.stdout.write(
      `${file.name.padEnd(22)} chosen on the other five: ${grid[best]?.label}; held-out raw ${testRaw.toFixed(4)}\n`,
    );
  });
  for (const name of ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'] as const) {
    const lofo = scoreNabCorpus(heldOut, 0.5, NAB_PROFILES[name]).normalised;
    const defaults = scoreNabCorpus(defaultScored, 0.5, NAB_PROFILES[name]).normalised;
    process.stdout.write(`${name.padEnd(20)} held-out ${lofo.toFixed(2)}  defaults ${defaults.toFixed(2)}\n`);
  }
}

runBench(main);

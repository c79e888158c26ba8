import { parseArgs } from 'node:util';
import {
  DEFAULT_DETECTOR_SETTINGS,
  NAB_PROFILES,
  type NabScoredFile,
  detectSeries,
  scoreNabCorpus,
} from '@tocsin/detection';
import { loadNabFiles, resolveNabDir } from './nab-data';

/**
 * Overfitting check for the knobs tuned on NAB, alertRarityMs and refractoryMs: for each file,
 * choose the pair that scores best (standard profile) on the other five, then score the
 * held-out file with it. Prints the choice per fold and the held-out scores beside the defaults'.
 */
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const RARITY_GRID_DAYS = [1, 2, 3, 5, 7, 10, 14, 30];
const REFRACTORY_GRID_HOURS = [3, 6, 12, 24];
const GRID = RARITY_GRID_DAYS.flatMap((days) => REFRACTORY_GRID_HOURS.map((hours) => ({ days, hours })));

function main(): void {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { data: { type: 'string' } }, strict: true });
  const files = loadNabFiles(resolveNabDir(values.data));
  const profile = NAB_PROFILES.standard;
  const scoredBySettings = GRID.map(({ days, hours }) =>
    files.map((file): NabScoredFile => ({
      name: file.name,
      windows: file.windows,
      anomalyScores: detectSeries(file.rows, {
        ...DEFAULT_DETECTOR_SETTINGS,
        alertRarityMs: days * DAY_MS,
        refractoryMs: hours * HOUR_MS,
      }).verdicts.map((verdict) => verdict.score),
    })),
  );
  const defaultScored = files.map((file): NabScoredFile => ({
    name: file.name,
    windows: file.windows,
    anomalyScores: detectSeries(file.rows, DEFAULT_DETECTOR_SETTINGS).verdicts.map((verdict) => verdict.score),
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
      `${file.name.padEnd(22)} chosen on the other five: rarity ${GRID[best]?.days} d, refractory ${GRID[best]?.hours} h; held-out raw ${testRaw.toFixed(4)}\n`,
    );
  });
  for (const name of ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'] as const) {
    const lofo = scoreNabCorpus(heldOut, 0.5, NAB_PROFILES[name]).normalised;
    const defaults = scoreNabCorpus(defaultScored, 0.5, NAB_PROFILES[name]).normalised;
    process.stdout.write(`${name.padEnd(20)} held-out ${lofo.toFixed(2)}  defaults ${defaults.toFixed(2)}\n`);
  }
}

main();

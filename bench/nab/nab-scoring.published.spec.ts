import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { NAB_PROFILES, NAB_PROFILE_NAMES, type NabProfileName, scoreNabCorpus } from './nab-scoring';

/**
 * The published detectors' flagged rows on NAB's six realTweets files, at NAB's published
 * thresholds (written by bench/nab/published-fixture.ts from shared/data/nab), so the scorer is
 * checked against NAB's own numbers without the data folder.
 */
const fixtureSchema = z.object({
  files: z.array(
    z.object({
      name: z.string(),
      rowCount: z.number().int().positive(),
      windows: z.array(z.object({ startRow: z.number().int(), endRow: z.number().int() })),
      detections: z.record(z.record(z.array(z.number().int()))),
    }),
  ),
});
const fixture = fixtureSchema.parse(
  JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'published-detections.json'), 'utf8')),
);

// Known results from shared/data/nab/README.md (NAB's own scorer at the published thresholds).
const RAW_STANDARD: readonly [string, readonly number[]][] = [
  ['ARTime', [2.9161, 2.7366, 2.1007, 1.2142, 1.4058, 2.2252]],
  ['numenta', [1.2639, -0.744, 0.7236, 1.6105, -0.2602, 2.4625]],
  ['twitterADVec', [0.1688, 1.6686, 1.7827, -0.1469, 0.2918, 0.7146]],
  ['windowedGaussian', [1.514, 1.5585, 0.7638, 0.1198, -0.1468, -0.9142]],
  ['null', [-4, -4, -3, -2, -3, -3]],
];

const NORMALISED: readonly [string, NabProfileName, number][] = [
  ['ARTime', 'standard', 83.15],
  ['ARTime', 'reward_low_FP_rate', 72.76],
  ['ARTime', 'reward_low_FN_rate', 88.77],
  ['numenta', 'standard', 63.31],
  ['numenta', 'reward_low_FP_rate', 58.52],
  ['numenta', 'reward_low_FN_rate', 66.77],
  ['twitterADVec', 'standard', 61.79],
  ['twitterADVec', 'reward_low_FP_rate', 38.39],
  ['twitterADVec', 'reward_low_FN_rate', 71.02],
  ['windowedGaussian', 'standard', 57.62],
  ['windowedGaussian', 'reward_low_FP_rate', 29.59],
  ['windowedGaussian', 'reward_low_FN_rate', 68.24],
];

/** Anomaly scores that reproduce a detector's flags at threshold 0.5. */
function scoresOf(rowCount: number, flagged: readonly number[]): number[] {
  const scores = new Array<number>(rowCount).fill(0);
  flagged.forEach((row) => {
    scores[row] = 1;
  });
  return scores;
}

function scoreDetector(detector: string, profile: NabProfileName) {
  return scoreNabCorpus(
    fixture.files.map((file) => ({
      name: file.name,
      windows: file.windows,
      anomalyScores: scoresOf(file.rowCount, file.detections[detector]?.[profile] ?? []),
    })),
    0.5,
    NAB_PROFILES[profile],
  );
}

describe('NAB scoring of the published detectors', () => {
  it('holds every detector and profile', () => {
    for (const file of fixture.files) {
      for (const [detector] of RAW_STANDARD) {
        expect(Object.keys(file.detections[detector] ?? {}).sort()).toEqual([...NAB_PROFILE_NAMES].sort());
      }
    }
  });

  it.each(RAW_STANDARD)('reproduces the per-file raw standard scores of %s', (detector, expected) => {
    const result = scoreDetector(detector, 'standard');
    result.files.forEach((file, index) => {
      expect(file.score).toBeCloseTo(expected[index] ?? Number.NaN, 3);
    });
  });

  it.each(NORMALISED)('reproduces the six-file normalised score of %s under %s', (detector, profile, expected) => {
    expect(Math.abs(scoreDetector(detector, profile).normalised - expected)).toBeLessThanOrEqual(0.01);
  });
});

import { mulberry32 } from '@tocsin/domain';
import {
  DEFAULT_DETECTOR_SETTINGS,
  type DetectorSettings,
  MENTION_DETECTOR_SETTINGS,
  createDetectorState,
  detectSpike,
} from '@tocsin/detection';
import {
  A_MONDAY_MS,
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  dailyMean,
  drawPoisson,
} from '../../libs/detection/src/testing/synthetic-series';

/**
 * Does a buzz page at every volume a brand can have? A brand from 0.1 to 10,000 mentions an
 * interval (Poisson around a daily cycle: a night at a fifth of the day, an evening peak), added
 * at midnight, watched for 12 days at 1- and 5-minute intervals; on day 10 at 14:00 its talk
 * grows for an hour (×20 under 1 an interval, ×5 under 10, ×3 above). Reports, per reading,
 * volume and interval, for three seeds: how long the buzz took to page, and the pages outside it
 * (the brand's first morning, a surge the model cannot know yet, would be one).
 * Usage: npx tsx bench/demo/volume-range.ts
 */
const START_MS = A_MONDAY_MS;
const BURST_START_MS = START_MS + 10 * DAY_MS + 14 * HOUR_MS;
const VOLUMES = [0.1, 1, 10, 100, 1_000, 10_000] as const;
const INTERVALS_MS = [MINUTE_MS, 5 * MINUTE_MS] as const;
const SEEDS = [1, 2, 3] as const;
const READINGS: readonly [string, DetectorSettings][] = [
  ['mention reading', MENTION_DETECTOR_SETTINGS],
  ['defaults', DEFAULT_DETECTOR_SETTINGS],
];

function growthAt(baseMean: number): number {
  return baseMean < 1 ? 20 : baseMean < 10 ? 5 : 3;
}

/** One brand's 12 days: minutes from the burst's start to its page (null: missed), other pages. */
function runBrand(
  baseMean: number,
  intervalMs: number,
  settings: DetectorSettings,
  seed: number,
): { pagedAfterMin: number | null; otherPages: number } {
  const uniform = mulberry32(seed);
  let state = createDetectorState(settings);
  let pagedAfterMin: number | null = null;
  let otherPages = 0;
  for (let timeMs = START_MS; timeMs < START_MS + 12 * DAY_MS; timeMs += intervalMs) {
    const inBurst = timeMs >= BURST_START_MS && timeMs < BURST_START_MS + HOUR_MS;
    const mean = dailyMean(timeMs, baseMean) * (inBurst ? growthAt(baseMean) : 1);
    const step = detectSpike(state, timeMs, drawPoisson(mean, uniform), settings);
    state = step.state;
    if (!step.verdict.alert) {
      continue;
    }
    if (inBurst && pagedAfterMin === null) {
      pagedAfterMin = (timeMs - BURST_START_MS) / MINUTE_MS;
    } else if (!inBurst) {
      otherPages += 1;
    }
  }
  return { pagedAfterMin, otherPages };
}

function main(): void {
  const lines = ['reading          volume/interval  interval  growth  buzz paged after (min), per seed  other pages'];
  for (const [name, settings] of READINGS) {
    for (const baseMean of VOLUMES) {
      for (const intervalMs of INTERVALS_MS) {
        const runs = SEEDS.map((seed) => runBrand(baseMean, intervalMs, settings, seed));
        const paged = runs.map((run) => (run.pagedAfterMin === null ? 'missed' : String(run.pagedAfterMin)));
        lines.push(
          [
            name.padEnd(16),
            String(baseMean).padStart(15),
            `${intervalMs / MINUTE_MS} min`.padStart(9),
            `×${growthAt(baseMean)}`.padStart(7),
            paged.join(' / ').padStart(34),
            runs
              .map((run) => run.otherPages)
              .join(' / ')
              .padStart(12),
          ].join(' '),
        );
      }
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main();

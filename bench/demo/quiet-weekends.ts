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
 * Does a brand with quiet weekends page every Monday, and does it still page a buzz? A brand of
 * 100 to 10,000 mentions an interval (Poisson around the daily cycle of `volume-range.ts`) whose
 * weekends run at 0.3 or 0.4 of its weekdays, added on a Monday at midnight and watched for five
 * weeks at 1- and 5-minute intervals, three seeds. Each case runs three times: without a buzz
 * (for the pages on Mondays, week by week, and on other days), with a weekday buzz in the fourth
 * week (talk triples for an hour at 14:00 on the Wednesday, Thursday or Friday, by seed), and with
 * a Monday-morning buzz in the fifth (10:00). Then brands 9 hours east and 8 hours west of UTC,
 * whose day, weekends and buzzes are local, with the weekly cycle's days at their local midnight
 * and at UTC's.
 * Usage: npx tsx bench/demo/quiet-weekends.ts [--reading '<JSON settings overrides>']
 */
const WEEKS = 5;
const START_MS = A_MONDAY_MS;
const VOLUMES = [100, 1_000, 10_000] as const;
const WEEKEND_SHARES = [0.3, 0.4] as const;
const INTERVALS_MS = [MINUTE_MS, 5 * MINUTE_MS] as const;
const SEEDS = [1, 2, 3] as const;
const BUZZ_GROWTH = 3;

interface BrandRun {
  mondayPagesByWeek: number[];
  otherPages: number;
  buzzPagedAfterMin: number | null;
}

/** Five weeks of one brand with at most one buzz; pages outside the buzz by kind. */
function runBrand(
  baseMean: number,
  weekendShare: number,
  intervalMs: number,
  seed: number,
  buzzStartMs: number | null,
  settings: DetectorSettings,
  localOffsetMs: number,
): BrandRun {
  const uniform = mulberry32(seed);
  let state = createDetectorState(settings);
  const run: BrandRun = { mondayPagesByWeek: new Array<number>(WEEKS).fill(0), otherPages: 0, buzzPagedAfterMin: null };
  for (let timeMs = START_MS; timeMs < START_MS + WEEKS * 7 * DAY_MS; timeMs += intervalMs) {
    const dayOfWeek = Math.floor((timeMs + localOffsetMs - START_MS) / DAY_MS) % 7;
    const inBuzz = buzzStartMs !== null && timeMs >= buzzStartMs && timeMs < buzzStartMs + HOUR_MS;
    const mean =
      dailyMean(timeMs + localOffsetMs, baseMean) * (dayOfWeek >= 5 ? weekendShare : 1) * (inBuzz ? BUZZ_GROWTH : 1);
    const step = detectSpike(state, timeMs, drawPoisson(mean, uniform), settings);
    state = step.state;
    if (!step.verdict.alert) {
      continue;
    }
    if (inBuzz) {
      run.buzzPagedAfterMin ??= (timeMs - (buzzStartMs ?? timeMs)) / MINUTE_MS;
    } else if (dayOfWeek === 0) {
      const week = Math.floor((timeMs - START_MS) / (7 * DAY_MS));
      run.mondayPagesByWeek[week] = (run.mondayPagesByWeek[week] ?? 0) + 1;
    } else {
      run.otherPages += 1;
    }
  }
  return run;
}

function summarise(name: string, settings: DetectorSettings, localOffsetMs = 0): string[] {
  const mondayPagesByWeek = new Array<number>(WEEKS).fill(0);
  let otherPages = 0;
  const buzzes = { weekday: [0, 0], monday: [0, 0] };
  const latenciesMin: number[] = [];
  for (const baseMean of VOLUMES) {
    for (const weekendShare of WEEKEND_SHARES) {
      for (const intervalMs of INTERVALS_MS) {
        for (const seed of SEEDS) {
          // At 14:00 and 10:00 local time.
          const weekdayBuzzMs = START_MS + (23 + seed - 1) * DAY_MS + 14 * HOUR_MS - localOffsetMs;
          const mondayBuzzMs = START_MS + 28 * DAY_MS + 10 * HOUR_MS - localOffsetMs;
          const run = (buzzStartMs: number | null) =>
            runBrand(baseMean, weekendShare, intervalMs, seed, buzzStartMs, settings, localOffsetMs);
          const quiet = run(null);
          const weekday = run(weekdayBuzzMs);
          const monday = run(mondayBuzzMs);
          quiet.mondayPagesByWeek.forEach((pages, week) => {
            mondayPagesByWeek[week] = (mondayPagesByWeek[week] ?? 0) + pages;
          });
          otherPages += quiet.otherPages;
          for (const [kind, run] of [
            ['weekday', weekday],
            ['monday', monday],
          ] as const) {
            buzzes[kind][1] = (buzzes[kind][1] ?? 0) + 1;
            if (run.buzzPagedAfterMin !== null) {
              buzzes[kind][0] = (buzzes[kind][0] ?? 0) + 1;
              latenciesMin.push(run.buzzPagedAfterMin);
            }
          }
        }
      }
    }
  }
  const brands = VOLUMES.length * WEEKEND_SHARES.length * INTERVALS_MS.length * SEEDS.length;
  latenciesMin.sort((a, b) => a - b);
  return [
    `${name}: without a buzz, Monday pages in weeks 1–${WEEKS} of ${brands} brands ${mondayPagesByWeek.join(' / ')}, other pages ${otherPages}`,
    `${' '.repeat(name.length)}  weekday buzzes paged ${buzzes.weekday.join(' of ')}, Monday buzzes ${buzzes.monday.join(' of ')}; slowest page ${latenciesMin.at(-1) ?? '–'} min after the buzz began`,
  ];
}

function main(): void {
  const readingIndex = process.argv.indexOf('--reading');
  const extra: [string, DetectorSettings][] =
    readingIndex > 0
      ? [
          [
            'mention reading with overrides',
            { ...MENTION_DETECTOR_SETTINGS, ...(JSON.parse(process.argv[readingIndex + 1] ?? '{}') as object) },
          ],
        ]
      : [];
  const readings: [string, DetectorSettings, number][] = [
    ['mention reading', MENTION_DETECTOR_SETTINGS, 0],
    ['mention reading without a weekly cycle', { ...MENTION_DETECTOR_SETTINGS, weekdayHalfLifeMs: 0 }, 0],
    ['defaults (no weekly cycle)', DEFAULT_DETECTOR_SETTINGS, 0],
    ...extra.map(([name, settings]): [string, DetectorSettings, number] => [name, settings, 0]),
    ...[9, -8].flatMap((hours): [string, DetectorSettings, number][] => [
      [
        `UTC${hours > 0 ? '+' : ''}${hours}, local days`,
        { ...MENTION_DETECTOR_SETTINGS, weekdayUtcOffsetMs: hours * HOUR_MS },
        hours * HOUR_MS,
      ],
      [`UTC${hours > 0 ? '+' : ''}${hours}, UTC days`, MENTION_DETECTOR_SETTINGS, hours * HOUR_MS],
      [
        `UTC${hours > 0 ? '+' : ''}${hours}, no weekly cycle`,
        { ...MENTION_DETECTOR_SETTINGS, weekdayHalfLifeMs: 0 },
        hours * HOUR_MS,
      ],
    ]),
  ];
  console.log(
    readings.flatMap(([name, settings, localOffsetMs]) => summarise(name, settings, localOffsetMs)).join('\n'),
  );
}

main();

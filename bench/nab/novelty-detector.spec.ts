import { mulberry32 } from '@tocsin/domain';
import {
  DEFAULT_NOVELTY_SETTINGS,
  type NoveltyState,
  type NoveltyVerdict,
  createNoveltyState,
  detectNovelty,
  validateNoveltySettings,
} from './novelty-detector';
import { detectNoveltySeries } from './series-run';
import { dailyMean, drawPoisson } from '../../libs/detection/src/testing/synthetic-series';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const START_MS = Date.UTC(2026, 0, 5);
const STEP_MS = 5 * MINUTE_MS;

interface Point {
  timestampMs: number;
  value: number;
}

/** Poisson counts around a daily cycle for `days` days; `extra` adds mentions at a given time. */
function generateSeries(days: number, extra: (timeMs: number) => number = () => 0, seed = 11): Point[] {
  const uniform = mulberry32(seed);
  const points: Point[] = [];
  for (let timeMs = START_MS; timeMs < START_MS + days * DAY_MS; timeMs += STEP_MS) {
    points.push({ timestampMs: timeMs, value: drawPoisson(dailyMean(timeMs, 40) + extra(timeMs), uniform) });
  }
  return points;
}

function alertTimes(points: readonly Point[], verdicts: readonly NoveltyVerdict[]): number[] {
  return points.filter((_, index) => verdicts[index]?.alert).map((point) => point.timestampMs);
}

describe('novelty detector', () => {
  const burstStartMs = START_MS + 8 * DAY_MS + 14 * HOUR_MS;
  const burst = (timeMs: number): number =>
    timeMs >= burstStartMs && timeMs < burstStartMs + 3 * HOUR_MS
      ? 1500 * Math.exp(-(timeMs - burstStartMs) / HOUR_MS)
      : 0;

  it('pages on a never-seen burst shortly after it starts', () => {
    const points = generateSeries(10, burst);
    const { verdicts } = detectNoveltySeries(points);
    const times = alertTimes(points, verdicts);
    expect(times.some((t) => t >= burstStartMs && t <= burstStartMs + 2 * HOUR_MS)).toBe(true);
  });

  it('stays quiet through warm-up and scores only in [0, 1]', () => {
    const points = generateSeries(10, burst);
    const { verdicts } = detectNoveltySeries(points);
    verdicts.forEach((verdict) => {
      expect(verdict.score).toBeGreaterThanOrEqual(0);
      expect(verdict.score).toBeLessThanOrEqual(1);
      if (verdict.warmingUp) {
        expect(verdict.alert).toBe(false);
      }
    });
  });

  it('pages less for a burst that recurs every day than for the first one', () => {
    const daily = (timeMs: number): number => {
      const phase = (timeMs - START_MS) % DAY_MS;
      return phase >= 14 * HOUR_MS && phase < 15 * HOUR_MS ? 800 : 0;
    };
    const points = generateSeries(12, daily);
    const { verdicts } = detectNoveltySeries(points);
    const late = alertTimes(points, verdicts).filter((t) => t >= START_MS + 6 * DAY_MS);
    expect(late.length).toBeLessThanOrEqual(1);
  });

  it('resumes from its JSON state with identical verdicts and leaves the input state untouched', () => {
    const points = generateSeries(5, burst);
    const split = Math.floor(points.length * 0.7);
    let state: NoveltyState = createNoveltyState();
    const straight: number[] = [];
    points.forEach((point, index) => {
      if (index === split) {
        state = JSON.parse(JSON.stringify(state)) as NoveltyState;
      }
      const before = JSON.stringify(state);
      const step = detectNovelty(state, point.timestampMs, point.value);
      expect(JSON.stringify(state)).toBe(before);
      state = step.state;
      straight.push(step.verdict.score);
    });
    expect(straight).toEqual(detectNoveltySeries(points).verdicts.map((verdict) => verdict.score));
  });

  it('keeps its memory within maxCategories', () => {
    const settings = { ...DEFAULT_NOVELTY_SETTINGS, maxCategories: 20 };
    const uniform = mulberry32(3);
    let state = createNoveltyState(settings);
    for (let i = 0; i < 6000; i += 1) {
      const value = drawPoisson(uniform() < 0.05 ? 500 * uniform() : 20, uniform);
      state = detectNovelty(state, START_MS + i * STEP_MS, value, settings).state;
    }
    expect(state.categories.length).toBeLessThanOrEqual(20);
    expect(state.warmUpFeatures).toHaveLength(0);
  });

  it('judges a burst against a range known in advance when given one', () => {
    const settings = { ...DEFAULT_NOVELTY_SETTINGS, saturationRatio: null };
    const points = generateSeries(10, burst);
    const inBurst = (t: number): boolean => t >= burstStartMs && t <= burstStartMs + 2 * HOUR_MS;
    const nearBurst = alertTimes(points, detectNoveltySeries(points, settings, 2_000).verdicts);
    // A range a hundred times the burst leaves it a ripple at the bottom of the scale.
    const farAbove = alertTimes(points, detectNoveltySeries(points, settings, 150_000).verdicts);
    expect(nearBurst.some(inBurst)).toBe(true);
    expect(farAbove.some(inBurst)).toBe(false);
    expect(() => createNoveltyState(settings, -1)).toThrow(/knownMaxValue/);
  });

  it('rejects invalid settings', () => {
    expect(() => validateNoveltySettings({ ...DEFAULT_NOVELTY_SETTINGS, windowBlocks: 6 })).toThrow(RangeError);
    expect(() => validateNoveltySettings({ ...DEFAULT_NOVELTY_SETTINGS, saturationRatio: 0.5 })).toThrow(RangeError);
    expect(() => validateNoveltySettings({ ...DEFAULT_NOVELTY_SETTINGS, maxVigilance: 2 })).toThrow(RangeError);
    expect(validateNoveltySettings({ ...DEFAULT_NOVELTY_SETTINGS, saturationRatio: null }).saturationRatio).toBeNull();
  });
});

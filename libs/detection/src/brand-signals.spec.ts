import { mulberry32, type SpikeSignal } from '@tocsin/domain';
import {
  type BrandSignalsState,
  type BrandWindowSettings,
  DEFAULT_BRAND_WINDOW_SETTINGS,
  advanceWatermark,
  createBrandSignalsState,
  observeMention,
  weighReach,
} from './brand-signals';
import { dailyMean, drawPoisson } from './testing/synthetic-series';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
const START_MS = Date.UTC(2026, 0, 5);
const settings: BrandWindowSettings = {
  ...DEFAULT_BRAND_WINDOW_SETTINGS,
  intervalMs: MINUTE_MS,
  allowedLatenessMs: 2 * MINUTE_MS,
};

function mention(eventTimeMs: number, negative = false, followers = 100) {
  return { brandId: 'acme', eventTimeMs, negative, followers };
}

function observeAll(state: BrandSignalsState, times: readonly number[]): BrandSignalsState {
  return times.reduce((current, timeMs) => observeMention(current, mention(timeMs), settings).state, state);
}

function volumes(signals: readonly SpikeSignal[]): [string, number][] {
  return signals
    .filter((signal) => signal.metric === 'volume')
    .map((signal) => [signal.intervalStart, signal.observed]);
}

describe('advanceWatermark', () => {
  it('closes an interval only once the watermark (max event time − lateness) has passed its end', () => {
    const state = observeAll(createBrandSignalsState('acme', settings), [START_MS + 10_000, START_MS + 20_000]);
    const early = advanceWatermark(state, START_MS + 2 * MINUTE_MS + 59_000, settings);
    expect(early.signals).toEqual([]);
    const due = advanceWatermark(early.state, START_MS + 3 * MINUTE_MS, settings);
    expect(volumes(due.signals)).toEqual([[new Date(START_MS).toISOString(), 2]]);
  });

  it('returns one signal per metric per closed interval, in order', () => {
    const state = observeAll(createBrandSignalsState('acme', settings), [START_MS]);
    const { signals } = advanceWatermark(state, START_MS + 5 * MINUTE_MS, settings);
    expect(signals.map((signal) => `${signal.intervalStart.slice(11, 16)} ${signal.metric}`)).toEqual(
      ['00:00', '00:01', '00:02'].flatMap((time) =>
        ['volume', 'negativeVolume', 'negativeShare', 'reachNegative'].map((metric) => `${time} ${metric}`),
      ),
    );
  });

  it('closes intervals without mentions as zeros so the series stays continuous', () => {
    const state = observeAll(createBrandSignalsState('acme', settings), [START_MS, START_MS + 4 * MINUTE_MS]);
    const { signals } = advanceWatermark(state, START_MS + 7 * MINUTE_MS, settings);
    expect(volumes(signals).map(([, volume]) => volume)).toEqual([1, 0, 0, 0, 1]);
  });

  it('closes zero intervals for a known brand that has seen no mention yet', () => {
    const state = createBrandSignalsState('acme', settings);
    const started = advanceWatermark(state, START_MS + 2 * MINUTE_MS, settings);
    const { signals } = advanceWatermark(started.state, START_MS + 5 * MINUTE_MS, settings);
    expect(volumes(signals).map(([, volume]) => volume)).toEqual([0, 0, 0]);
  });

  it('closes at most maxIntervalsPerStep intervals per call and the rest on the next calls', () => {
    const capped = { ...settings, maxIntervalsPerStep: 3 };
    const state = observeAll(createBrandSignalsState('acme', capped), [START_MS, START_MS + 5 * MINUTE_MS]);
    const first = advanceWatermark(state, START_MS + 10 * MINUTE_MS, capped);
    expect(volumes(first.signals).map(([, volume]) => volume)).toEqual([1, 0, 0]);
    // No newer event time: the remembered watermark keeps closing what is due.
    const second = advanceWatermark(first.state, START_MS, capped);
    expect(volumes(second.signals).map(([, volume]) => volume)).toEqual([0, 0, 1]);
    const third = advanceWatermark(second.state, START_MS, capped);
    expect(volumes(third.signals).map(([, volume]) => volume)).toEqual([0, 0]);
  });

  it('bounds one step after a jump of years in event time', () => {
    const state = observeAll(createBrandSignalsState('acme', settings), [START_MS]);
    const { signals } = advanceWatermark(state, Date.parse('9999-12-31T23:59:59Z'), settings);
    expect(signals).toHaveLength(settings.maxIntervalsPerStep * 4);
  });
});

describe('observeMention', () => {
  it.each([
    ['inside an open interval', START_MS + 2 * MINUTE_MS + 5_000, false],
    ['in the last closed interval', START_MS + 2 * MINUTE_MS - 1, true],
    ['far behind the watermark', START_MS - DAY_MS, true],
  ])('reports a mention %s as late = %p', (_case, eventTimeMs, late) => {
    const state = observeAll(createBrandSignalsState('acme', settings), [START_MS]);
    const advanced = advanceWatermark(state, START_MS + 4 * MINUTE_MS, settings).state;
    const result = observeMention(advanced, mention(eventTimeMs), settings);
    expect(result.late).toBe(late);
    expect(result.state.lateMentions).toBe(late ? 1 : 0);
  });

  it('counts a late mention but never adds it to a closed interval', () => {
    const state = observeAll(createBrandSignalsState('acme', settings), [START_MS]);
    const advanced = advanceWatermark(state, START_MS + 4 * MINUTE_MS, settings).state;
    const afterLate = observeMention(advanced, mention(START_MS + 30_000), settings).state;
    expect(afterLate.open).toEqual(advanced.open);
  });

  it.each([
    [0, 0],
    [100, 10],
    [1_000_000, 1000],
  ])('weighs an author with %p followers as %p reach', (followers, expected) => {
    expect(weighReach(followers)).toBe(expected);
  });
});

/** Nine days of 1-minute mentions with a daily cycle; 20 % negative; `burst` adds negatives. */
function streamBrand(burst: (timeMs: number) => number): { state: BrandSignalsState; signals: SpikeSignal[] } {
  const uniform = mulberry32(11);
  let state = createBrandSignalsState('acme', settings);
  const signals: SpikeSignal[] = [];
  for (let timeMs = START_MS; timeMs < START_MS + 9 * DAY_MS; timeMs += MINUTE_MS) {
    const count = drawPoisson(dailyMean(timeMs, 3), uniform);
    const negatives = burst(timeMs);
    for (let index = 0; index < count + negatives; index += 1) {
      const negative = index >= count || uniform() < 0.2;
      state = observeMention(state, mention(timeMs + index, negative, 200), settings).state;
    }
    const step = advanceWatermark(state, timeMs + MINUTE_MS, settings);
    state = step.state;
    signals.push(...step.signals);
  }
  return { state, signals };
}

describe('brand signals end to end', () => {
  const burstStartMs = START_MS + 8 * DAY_MS + 15 * 60 * MINUTE_MS;
  const inBurst = (timeMs: number) => timeMs >= burstStartMs && timeMs < burstStartMs + 30 * MINUTE_MS;

  it('raises an alerting negativeVolume signal when negative mentions burst', () => {
    const { signals } = streamBrand((timeMs) => (inBurst(timeMs) ? 15 : 0));
    const alerts = signals.filter((signal) => signal.alert && signal.metric === 'negativeVolume');
    expect(alerts).toHaveLength(1);
    const [alert] = alerts;
    expect(Date.parse(alert?.intervalStart ?? '') - burstStartMs).toBeLessThanOrEqual(2 * MINUTE_MS);
    expect(alert?.observed).toBeGreaterThan(alert?.upper ?? Infinity);
    expect(alert?.explanation).toMatch(
      /^negativeVolume \d+, expected [\d.]+ \(alert above [\d.]+\); [\d.]+ spreads above usual/,
    );
    expect(alert?.since).toBe(alert?.intervalEnd);
  });

  it('stays quiet on the ordinary daily cycle', () => {
    const { signals } = streamBrand(() => 0);
    expect(signals.filter((signal) => signal.alert)).toEqual([]);
  });

  it('keeps a brand state of a few KB and gives identical signals after a JSON round trip', () => {
    const { state } = streamBrand(() => 0);
    expect(JSON.stringify(state).length).toBeLessThan(7500);
    const restored = JSON.parse(JSON.stringify(state)) as BrandSignalsState;
    let live = state;
    let replayed = restored;
    for (let minute = 0; minute < 60; minute += 1) {
      const timeMs = START_MS + 9 * DAY_MS + minute * MINUTE_MS;
      const obs = mention(timeMs, minute % 3 === 0, 5000);
      live = observeMention(live, obs, settings).state;
      replayed = observeMention(replayed, obs, settings).state;
      const a = advanceWatermark(live, timeMs, settings);
      const b = advanceWatermark(replayed, timeMs, settings);
      expect(b.signals).toEqual(a.signals);
      live = a.state;
      replayed = b.state;
    }
  });
});

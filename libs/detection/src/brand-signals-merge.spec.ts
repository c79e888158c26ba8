import type { WindowTally } from '@tocsin/domain';
import {
  advanceWatermark,
  createBrandSignalsState,
  DEFAULT_BRAND_WINDOW_SETTINGS,
  observeMention,
  observeTally,
  weighReach,
  type BrandSignalsState,
  type BrandWindowSettings,
  type MentionObservation,
} from './brand-signals';
import { recordSource, sourcesProgress, tallyObservations, type BrandSources } from './brand-signals-merge';

const MINUTE_MS = 60_000;
const START_MS = Date.UTC(2026, 0, 5);
const DAY_MS = 86_400_000;
const settings: BrandWindowSettings = {
  ...DEFAULT_BRAND_WINDOW_SETTINGS,
  intervalMs: MINUTE_MS,
  allowedLatenessMs: 2 * MINUTE_MS,
};

function observation(eventTimeMs: number, negative = false, followers = 100, brandId = 'acme'): MentionObservation {
  return { brandId, eventTimeMs, negative, followers };
}

function tally(partition: number, throughOffset: string, overrides: Partial<WindowTally> = {}): WindowTally {
  return {
    brandId: 'acme',
    sourcePartition: partition,
    sourcePartitions: 3,
    throughOffset,
    eventTimeMs: START_MS,
    appendedUntilMs: 1_000,
    caughtUp: false,
    reportedAtMs: 1_000,
    intervals: [],
    ...overrides,
  };
}

function volumes(state: BrandSignalsState, eventTimeMs: number): Array<[string, number]> {
  return advanceWatermark(state, eventTimeMs, settings)
    .signals.filter((signal) => signal.metric === 'volume')
    .map((signal) => [signal.intervalStart, signal.observed]);
}

describe(tallyObservations.name, () => {
  it('counts each brand per interval, negative mentions and their reach apart', () => {
    const tallies = tallyObservations(
      [
        observation(START_MS + 61_000, true, 400),
        observation(START_MS + 1_000),
        observation(START_MS + 2_000, true, 100),
        observation(START_MS + 3_000, false, 0, 'other'),
      ],
      MINUTE_MS,
    );
    expect(tallies.get('acme')).toEqual([
      { startMs: START_MS, volume: 2, negativeVolume: 1, reachNegative: 10 },
      { startMs: START_MS + MINUTE_MS, volume: 1, negativeVolume: 1, reachNegative: 20 },
    ]);
    expect(tallies.get('other')).toEqual([{ startMs: START_MS, volume: 1, negativeVolume: 0, reachNegative: 0 }]);
  });
});

describe(observeTally.name, () => {
  it('gives the windows of one partition one mention at a time whatever way the mentions are cut', () => {
    const mentions = Array.from({ length: 90 }, (_, i) => observation(START_MS + i * 2_000, i % 3 === 0, i * 50));
    const oneByOne = mentions.reduce(
      (state, mention) => observeMention(state, mention, settings).state,
      createBrandSignalsState('acme', settings),
    );
    // The same mentions cut over three partitions, counted in batches of ten by each.
    let merged = createBrandSignalsState('acme', settings);
    for (let partition = 0; partition < 3; partition += 1) {
      const own = mentions.filter((_, i) => i % 3 === partition);
      for (let first = 0; first < own.length; first += 10) {
        for (const interval of tallyObservations(own.slice(first, first + 10), MINUTE_MS).get('acme') ?? []) {
          merged = observeTally(merged, interval).state;
        }
      }
    }
    const endMs = START_MS + 10 * MINUTE_MS;
    expect(volumes(merged, endMs)).toEqual(volumes(oneByOne, endMs));
    expect(merged.open).toEqual(oneByOne.open);
  });

  it('moves the mean reach of a negative mention as the same mentions one by one would', () => {
    const single = observeMention(
      observeMention(createBrandSignalsState('acme', settings), observation(START_MS, true, 10_000), settings).state,
      observation(START_MS + 1_000, true, 100),
      settings,
    ).state;
    const tallied = observeTally(
      observeTally(createBrandSignalsState('acme', settings), {
        startMs: START_MS,
        volume: 1,
        negativeVolume: 1,
        reachNegative: weighReach(10_000),
      }).state,
      { startMs: START_MS, volume: 1, negativeVolume: 1, reachNegative: weighReach(100) },
    ).state;
    expect(tallied.reachPerMentionMean).toBeCloseTo(single.reachPerMentionMean ?? Number.NaN, 10);
  });

  it('counts the mentions of an interval already closed as late, not in the interval', () => {
    const closed = advanceWatermark(
      observeTally(createBrandSignalsState('acme', settings), {
        startMs: START_MS,
        volume: 2,
        negativeVolume: 0,
        reachNegative: 0,
      }).state,
      START_MS + 4 * MINUTE_MS,
      settings,
    ).state;
    const late = observeTally(closed, { startMs: START_MS, volume: 5, negativeVolume: 1, reachNegative: 3 });
    expect(late.lateMentions).toBe(5);
    expect(late.state.lateMentions).toBe(5);
    expect(late.state.open).toEqual(closed.open);
  });
});

describe(recordSource.name, () => {
  it('calls a tally whose source offsets were merged a copy, so its counts are not added twice', () => {
    const first = recordSource(undefined, tally(0, '99'), 5_000);
    expect(first.fresh).toBe(true);
    expect(recordSource(first.sources, tally(0, '99'), 5_000).fresh).toBe(false);
    expect(recordSource(first.sources, tally(0, '42'), 5_000).fresh).toBe(false);
    expect(recordSource(first.sources, tally(1, '42'), 5_000).fresh).toBe(true);
    expect(recordSource(first.sources, tally(0, '100'), 5_000).fresh).toBe(true);
  });

  it('keeps the progress of the newest report whatever order reports arrive in', () => {
    const caughtUp = recordSource(undefined, tally(0, '99', { caughtUp: true, reportedAtMs: 3_000 }), 5_000);
    const older = recordSource(caughtUp.sources, tally(0, '99', { caughtUp: false, reportedAtMs: 2_000 }), 5_000);
    expect(older.sources.byPartition['0']).toMatchObject({ caughtUp: true, reportedAtMs: 3_000 });
    const newer = recordSource(older.sources, tally(0, '120', { caughtUp: false, reportedAtMs: 4_000 }), 5_000);
    expect(newer.sources.byPartition['0']).toMatchObject({ caughtUp: false, throughOffset: '120' });
  });
});

describe(sourcesProgress.name, () => {
  const IDLE_MS = 10_000;
  const judged = (nowMs: number, liveSinceMs = 0) => ({ nowMs, idleMs: IDLE_MS, appendMarginMs: 100, liveSinceMs });

  function sources(...tallies: WindowTally[]): BrandSources {
    return tallies.reduce<BrandSources | undefined>(
      (current, next) => recordSource(current, next, 1_000).sources,
      undefined,
    ) as BrandSources;
  }

  it('holds a brand at the slowest partition with records pending', () => {
    const backfill = sources(
      tally(0, '10', { eventTimeMs: START_MS + 30 * MINUTE_MS }),
      tally(1, '10', { eventTimeMs: START_MS + 5 * MINUTE_MS }),
      tally(2, '10', { eventTimeMs: START_MS + 20 * MINUTE_MS }),
    );
    expect(sourcesProgress(backfill, judged(2_000, START_MS + DAY_MS))).toEqual({
      eventTimeMs: START_MS + 5 * MINUTE_MS,
      settled: false,
    });
  });

  it('lets a partition caught up after the newest append stop holding, and the newest event time count once none holds', () => {
    const settled = sources(
      tally(0, '10', { eventTimeMs: START_MS + 30 * MINUTE_MS, caughtUp: true, appendedUntilMs: 900 }),
      tally(1, '10', { eventTimeMs: START_MS + 5 * MINUTE_MS, caughtUp: true, appendedUntilMs: 900 }),
      tally(2, '10', { eventTimeMs: START_MS + 20 * MINUTE_MS, caughtUp: true, appendedUntilMs: 900 }),
    );
    expect(sourcesProgress(settled, judged(2_000))).toEqual({ eventTimeMs: START_MS + 30 * MINUTE_MS, settled: true });
  });

  it('holds a brand at a partition caught up before another partition got newer records, until it is idle', () => {
    const racing = sources(
      tally(0, '10', {
        eventTimeMs: START_MS + 30 * MINUTE_MS,
        caughtUp: true,
        appendedUntilMs: 1_500,
        reportedAtMs: 1_600,
      }),
      tally(1, '10', { eventTimeMs: START_MS + 5 * MINUTE_MS, caughtUp: true, reportedAtMs: 1_000 }),
      tally(2, '10', { eventTimeMs: START_MS + 20 * MINUTE_MS, caughtUp: true, reportedAtMs: 1_600 }),
    );
    expect(sourcesProgress(racing, judged(2_000, START_MS + DAY_MS))).toEqual({
      eventTimeMs: START_MS + 5 * MINUTE_MS,
      settled: false,
    });
    expect(sourcesProgress(racing, judged(1_000 + IDLE_MS, START_MS + DAY_MS))).toEqual({
      eventTimeMs: START_MS + 30 * MINUTE_MS,
      settled: true,
    });
  });

  it('holds a live brand at most the append margin behind a caught-up partition report', () => {
    const live = sources(
      tally(0, '10', { eventTimeMs: 5_000, caughtUp: false, appendedUntilMs: 9_000, reportedAtMs: 9_000 }),
      tally(1, '10', { eventTimeMs: 1_000, caughtUp: true, appendedUntilMs: 0, reportedAtMs: 8_000 }),
      tally(2, '10', { eventTimeMs: 7_000, caughtUp: true, appendedUntilMs: 0, reportedAtMs: 8_000 }),
    );
    expect(sourcesProgress(live, judged(9_500, 1))).toEqual({ eventTimeMs: 5_000, settled: false });
    const quiet = recordSource(
      live,
      tally(0, '20', { eventTimeMs: 9_000, caughtUp: true, reportedAtMs: 9_050, appendedUntilMs: 9_000 }),
      9_500,
    ).sources;
    expect(sourcesProgress(quiet, judged(9_500, 1))).toEqual({ eventTimeMs: 7_900, settled: false });
  });

  it('waits for a partition never heard of, for as long as a partition may be idle', () => {
    const partial = sources(
      tally(0, '10', { caughtUp: true, appendedUntilMs: 0 }),
      tally(1, '10', { caughtUp: true, appendedUntilMs: 0 }),
    );
    expect(sourcesProgress(partial, judged(2_000))).toBeNull();
    expect(sourcesProgress(partial, judged(1_000 + IDLE_MS))).toEqual({ eventTimeMs: START_MS, settled: true });
  });
});

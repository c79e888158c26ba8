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
import { recordSource, sourcesEventTimeMs, tallyObservations, type BrandSources } from './brand-signals-merge';

const MINUTE_MS = 60_000;
const START_MS = Date.UTC(2026, 0, 5);
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
    deliveredAtMs: 1_000,
    caughtUpAtMs: null,
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
    const first = recordSource(undefined, tally(0, '99'));
    expect(first.fresh).toBe(true);
    expect(recordSource(first.sources, tally(0, '99')).fresh).toBe(false);
    expect(recordSource(first.sources, tally(0, '42')).fresh).toBe(false);
    expect(recordSource(first.sources, tally(1, '42')).fresh).toBe(true);
    expect(recordSource(first.sources, tally(0, '100')).fresh).toBe(true);
  });

  it('only moves progress forward, whatever order reports arrive in', () => {
    const newer = recordSource(
      undefined,
      tally(0, '99', { eventTimeMs: START_MS + MINUTE_MS, deliveredAtMs: 3_000, caughtUpAtMs: 3_500 }),
    );
    const older = recordSource(newer.sources, tally(0, '99', { eventTimeMs: START_MS, deliveredAtMs: 2_000 }));
    expect(older.sources.byPartition['0']).toEqual({
      throughOffset: '99',
      eventTimeMs: START_MS + MINUTE_MS,
      deliveredAtMs: 3_000,
      caughtUpAtMs: 3_500,
    });
  });
});

describe(sourcesEventTimeMs.name, () => {
  const MARGIN_MS = 100;

  function sources(...tallies: WindowTally[]): BrandSources {
    return tallies.reduce<BrandSources | undefined>(
      (current, next) => recordSource(current, next).sources,
      undefined,
    ) as BrandSources;
  }

  it('holds a brand at the slowest partition', () => {
    const backfill = sources(
      tally(0, '10', { eventTimeMs: START_MS + 30 * MINUTE_MS }),
      tally(1, '10', { eventTimeMs: START_MS + 5 * MINUTE_MS }),
      tally(2, '10', { eventTimeMs: START_MS + 20 * MINUTE_MS }),
    );
    expect(sourcesEventTimeMs(backfill, MARGIN_MS)).toBe(START_MS + 5 * MINUTE_MS);
  });

  it('lets a partition caught up after the newest delivery stop holding, and the newest event time count once none holds', () => {
    const deliveries = [
      tally(0, '10', { eventTimeMs: START_MS + 30 * MINUTE_MS, deliveredAtMs: 900 }),
      tally(1, '10', { eventTimeMs: START_MS + 5 * MINUTE_MS, deliveredAtMs: 800 }),
      tally(2, '10', { eventTimeMs: START_MS + 20 * MINUTE_MS, deliveredAtMs: 900 }),
    ];
    const oneIdle = sources(...deliveries, tally(1, '10', { eventTimeMs: 0, deliveredAtMs: 0, caughtUpAtMs: 1_000 }));
    expect(sourcesEventTimeMs(oneIdle, MARGIN_MS)).toBe(START_MS + 20 * MINUTE_MS);
    const allIdle = sources(
      ...deliveries,
      ...[0, 1, 2].map((partition) => tally(partition, '10', { deliveredAtMs: 0, caughtUpAtMs: 1_000 })),
    );
    expect(sourcesEventTimeMs(allIdle, MARGIN_MS)).toBe(START_MS + 30 * MINUTE_MS);
  });

  it('holds a brand at a partition caught up before another partition delivered newer mentions', () => {
    // Partition 1 was caught up before a restart; partition 0 then delivered the backlog first.
    const restarted = sources(
      tally(0, '10', { eventTimeMs: START_MS + 30 * MINUTE_MS, deliveredAtMs: 5_000 }),
      tally(1, '10', { eventTimeMs: START_MS + 5 * MINUTE_MS, deliveredAtMs: 1_000, caughtUpAtMs: 2_000 }),
      tally(2, '10', { eventTimeMs: START_MS + 20 * MINUTE_MS, deliveredAtMs: 1_000, caughtUpAtMs: 5_050 }),
    );
    // Partition 2 was caught up within the clock margin of that delivery: it still holds too.
    expect(sourcesEventTimeMs(restarted, MARGIN_MS)).toBe(START_MS + 5 * MINUTE_MS);
    const partition1Done = recordSource(restarted, tally(1, '10', { caughtUpAtMs: 5_200 })).sources;
    expect(sourcesEventTimeMs(partition1Done, MARGIN_MS)).toBe(START_MS + 20 * MINUTE_MS);
  });

  it('waits for a partition never heard of', () => {
    const partial = sources(tally(0, '10', { caughtUpAtMs: 5_000 }), tally(1, '10', { caughtUpAtMs: 5_000 }));
    expect(sourcesEventTimeMs(partial, MARGIN_MS)).toBeNull();
    expect(sourcesEventTimeMs(recordSource(partial, tally(2, '-1', { caughtUpAtMs: 5_000 })).sources, MARGIN_MS)).toBe(
      START_MS,
    );
  });

  it('counts a backfill spread over partitions consumed at different speeds, stopped and resumed, with no mention late', () => {
    // A stream in event-time order (within a 20 s jitter), 20 mentions a second of wall time
    // carrying 30 s of event time each: a backfill, the case caught-up reports once broke.
    const lateness = 2 * MINUTE_MS;
    const windowSettings = { ...settings, allowedLatenessMs: lateness };
    const partitions = 6;
    const mentions = 3_000;
    const log: number[][] = Array.from({ length: partitions }, () => []);
    const next = Array.from({ length: partitions }, () => 0);
    const delivered = Array.from({ length: partitions }, () => ({ eventTimeMs: 0, deliveredAtMs: 0 }));
    const expected = new Map<number, number>();
    const queue: WindowTally[] = [];
    // As in the signals stage, the series starts with the brand's first counted mention.
    let brand: BrandSignalsState | undefined;
    let brandSources: BrandSources | undefined;
    let late = 0;
    const counted = new Map<number, number>();
    let appended = 0;
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const merge = (): void => {
      for (const item of queue.splice(0)) {
        const recorded = recordSource(brandSources, item);
        brandSources = recorded.sources;
        if (!recorded.fresh) continue;
        for (const interval of item.intervals) {
          const observed = observeTally(brand ?? createBrandSignalsState('acme', windowSettings), interval);
          brand = observed.state;
          late += observed.lateMentions;
        }
      }
      const eventTimeMs = brandSources && sourcesEventTimeMs(brandSources, 0);
      if (eventTimeMs === null || eventTimeMs === undefined || brand === undefined) return;
      const advanced = advanceWatermark(brand, eventTimeMs, windowSettings);
      brand = advanced.state;
      for (const signal of advanced.signals.filter((candidate) => candidate.metric === 'volume')) {
        counted.set(Date.parse(signal.intervalStart), signal.observed);
      }
    };
    for (let nowMs = 1; nowMs < 400_000; nowMs += 10) {
      for (; appended < Math.min(mentions, Math.floor(nowMs / 50)); appended += 1) {
        const i = appended;
        const eventTimeMs = START_MS + i * 30_000 - ((i * 7_919) % 20_000);
        log[(i * 31) % partitions]?.push(eventTimeMs);
        const startMs = Math.floor(eventTimeMs / MINUTE_MS) * MINUTE_MS;
        expected.set(startMs, (expected.get(startMs) ?? 0) + 1);
      }
      // Stopped for 20 s mid-stream, as a crashed pipeline; each partition is then handled at
      // its own pace, in batches of up to 40.
      const stopped = nowMs > 60_000 && nowMs < 80_000;
      for (let partition = 0; partition < partitions && !stopped; partition += 1) {
        const own = log[partition] ?? [];
        if (random() > 0.02 * (partition + 1) || (next[partition] ?? 0) >= own.length) continue;
        const batch = own.slice(next[partition], (next[partition] ?? 0) + 40);
        next[partition] = (next[partition] ?? 0) + batch.length;
        const progress = delivered[partition] ?? { eventTimeMs: 0, deliveredAtMs: 0 };
        progress.eventTimeMs = Math.max(progress.eventTimeMs, ...batch);
        progress.deliveredAtMs = nowMs;
        queue.push(
          tally(partition, String((next[partition] ?? 0) - 1), {
            sourcePartitions: partitions,
            ...progress,
            intervals: tallyObservations(
              batch.map((eventTimeMs) => observation(eventTimeMs)),
              MINUTE_MS,
            ).get('acme'),
          }),
        );
      }
      if (nowMs % 1_000 === 1) {
        for (let partition = 0; partition < partitions; partition += 1) {
          if ((next[partition] ?? 0) < (log[partition] ?? []).length) continue;
          queue.push(
            tally(partition, String((next[partition] ?? 0) - 1), {
              sourcePartitions: partitions,
              ...delivered[partition],
              caughtUpAtMs: nowMs,
            }),
          );
        }
      }
      merge();
    }
    expect(late).toBe(0);
    // Every interval but the last ones (within the lateness of the newest mention) closed, exactly.
    const closable = [...expected].sort((a, b) => a[0] - b[0]).slice(0, -3);
    expect(closable.length).toBeGreaterThan(1_000);
    expect(closable.filter(([startMs, volume]) => counted.get(startMs) !== volume)).toEqual([]);
  });
});

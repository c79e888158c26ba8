import type { IntervalTally, WindowTally } from '@tocsin/domain';
import { alignToInterval, weighReach, type MentionObservation } from './brand-signals';

/** What a brand's windows remember of one source partition (of mentions.raw). */
export interface SourceProgress {
  /** Last source offset whose counts were merged. */
  throughOffset: string;
  /** The partition's watermark before lateness (see WindowTally.eventTimeMs). */
  eventTimeMs: number;
  deliveredAtMs: number;
  /** Latest moment the partition was known to have nothing pending; null before any. */
  caughtUpAtMs: number | null;
}

/** Every source partition's progress as one brand's windows know it; plain JSON for Redis. */
export interface BrandSources {
  /** How many partitions the source topic has; each must report before the brand's intervals close. */
  partitions: number;
  byPartition: Record<string, SourceProgress>;
}

/**
 * Partial counts of one batch: per brand, one tally per event-time interval, oldest first.
 * @param intervalMs length of one interval, ms
 */
export function tallyObservations(
  observations: Iterable<MentionObservation>,
  intervalMs: number,
): Map<string, IntervalTally[]> {
  const byBrand = new Map<string, Map<number, IntervalTally>>();
  for (const observation of observations) {
    const startMs = alignToInterval(observation.eventTimeMs, intervalMs);
    let intervals = byBrand.get(observation.brandId);
    if (intervals === undefined) {
      intervals = new Map();
      byBrand.set(observation.brandId, intervals);
    }
    let tally = intervals.get(startMs);
    if (tally === undefined) {
      tally = { startMs, volume: 0, negativeVolume: 0, reachNegative: 0 };
      intervals.set(startMs, tally);
    }
    tally.volume += 1;
    if (observation.negative) {
      tally.negativeVolume += 1;
      tally.reachNegative += weighReach(observation.followers);
    }
  }
  return new Map(
    [...byBrand].map(([brandId, intervals]) => [
      brandId,
      [...intervals.values()].sort((a, b) => a.startMs - b.startMs),
    ]),
  );
}

/**
 * Records a tally's source progress. Counts are merged once per source offset: a tally whose
 * offsets were merged already (the enrichment group's offsets moved back) is a copy,
 * `fresh` is false and its counts must not be added again. Progress only moves forward, whatever
 * order reports arrive in; a report with no counts (a caught-up partition's) only moves progress.
 */
export function recordSource(
  sources: BrandSources | undefined,
  tally: WindowTally,
): { sources: BrandSources; fresh: boolean } {
  const current = sources ?? { partitions: tally.sourcePartitions, byPartition: {} };
  const key = String(tally.sourcePartition);
  const previous = current.byPartition[key];
  const fresh = previous === undefined || BigInt(tally.throughOffset) > BigInt(previous.throughOffset);
  const caughtUpAtMs = Math.max(previous?.caughtUpAtMs ?? -1, tally.caughtUpAtMs ?? -1);
  const progress: SourceProgress = {
    throughOffset: fresh ? tally.throughOffset : (previous?.throughOffset ?? tally.throughOffset),
    eventTimeMs: Math.max(previous?.eventTimeMs ?? 0, tally.eventTimeMs),
    deliveredAtMs: Math.max(previous?.deliveredAtMs ?? 0, tally.deliveredAtMs),
    caughtUpAtMs: caughtUpAtMs < 0 ? null : caughtUpAtMs,
  };
  return {
    sources: {
      partitions: Math.max(current.partitions, tally.sourcePartitions),
      byPartition: { ...current.byPartition, [key]: progress },
    },
    fresh,
  };
}

/**
 * The event time every source partition has got past, for one brand: the minimum of the
 * partitions' watermarks, as stream processors take it over their inputs, so a backfill racing
 * over partitions at different speeds does not close an interval before the slowest one counted
 * it. Every watermark comes from event times a partition delivered, never from a clock.
 *
 * A caught-up partition with nothing new would hold every brand back for good, so it stops
 * holding, but only once it is known to have been caught up after the newest delivery of any
 * partition (plus `clockMarginMs`, the most two pipeline clocks may differ): whatever it gets
 * later was appended after every mention counted so far, so it is no older than they are by
 * more than the allowed lateness (the bound every watermark rests on). A caught-up report from
 * before that delivery proves nothing: records appended since may be pending (a restart's
 * backlog). When no partition holds the brand back, the newest event time of any counts.
 * @returns the event time, ms since epoch, or null while a partition has not reported at all
 */
export function sourcesEventTimeMs(sources: BrandSources, clockMarginMs: number): number | null {
  const reported = Object.values(sources.byPartition);
  const newestDeliveryMs = Math.max(...reported.map((progress) => progress.deliveredAtMs));
  let eventTimeMs = Math.max(...reported.map((progress) => progress.eventTimeMs));
  for (let partition = 0; partition < sources.partitions; partition += 1) {
    const progress = sources.byPartition[String(partition)];
    if (progress === undefined) return null;
    const idle = progress.caughtUpAtMs !== null && progress.caughtUpAtMs - clockMarginMs >= newestDeliveryMs;
    if (!idle) eventTimeMs = Math.min(eventTimeMs, progress.eventTimeMs);
  }
  return eventTimeMs;
}

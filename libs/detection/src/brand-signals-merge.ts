import type { IntervalTally, WindowTally } from '@tocsin/domain';
import { alignToInterval, weighReach, type MentionObservation } from './brand-signals';

/** What a brand's windows remember of one source partition (of mentions.raw). */
export interface SourceProgress {
  /** Last source offset whose counts were merged. */
  throughOffset: string;
  eventTimeMs: number;
  appendedUntilMs: number;
  caughtUp: boolean;
  reportedAtMs: number;
}

/** Every source partition's progress as one brand's windows know it; plain JSON for Redis. */
export interface BrandSources {
  /** How many partitions the source topic has; each must report before the brand's intervals close. */
  partitions: number;
  /** When the brand first heard of any partition (the merging stage's clock), ms since epoch. */
  sinceMs: number;
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
 * offsets were merged already (the enrichment stage publishing again after a crash) is a copy,
 * `fresh` is false and its counts must not be added again. Progress (event time, caught up) is
 * taken from the newest report, whatever order reports arrive in; a report with no counts (an
 * idle partition's progress) only moves progress.
 * @param nowMs the merging stage's clock, ms since epoch
 */
export function recordSource(
  sources: BrandSources | undefined,
  tally: WindowTally,
  nowMs: number,
): { sources: BrandSources; fresh: boolean } {
  const current = sources ?? { partitions: tally.sourcePartitions, sinceMs: nowMs, byPartition: {} };
  const key = String(tally.sourcePartition);
  const previous = current.byPartition[key];
  const fresh = previous === undefined || BigInt(tally.throughOffset) > BigInt(previous.throughOffset);
  const newer = previous === undefined || tally.reportedAtMs >= previous.reportedAtMs;
  const progress: SourceProgress = {
    throughOffset: fresh ? tally.throughOffset : (previous?.throughOffset ?? tally.throughOffset),
    eventTimeMs: Math.max(previous?.eventTimeMs ?? 0, tally.eventTimeMs),
    appendedUntilMs: Math.max(previous?.appendedUntilMs ?? 0, tally.appendedUntilMs),
    caughtUp: newer ? tally.caughtUp : (previous?.caughtUp ?? tally.caughtUp),
    reportedAtMs: Math.max(previous?.reportedAtMs ?? 0, tally.reportedAtMs),
  };
  return {
    sources: {
      partitions: Math.max(current.partitions, tally.sourcePartitions),
      sinceMs: current.sinceMs,
      byPartition: { ...current.byPartition, [key]: progress },
    },
    fresh,
  };
}

/** How far a brand's windows may close, from its sources' progress. */
export interface SourcesProgress {
  /** The event time every source partition has got past, ms since epoch. */
  eventTimeMs: number;
  /** True when no partition has anything pending for the brand. */
  settled: boolean;
}

/** How the merging stage judges its sources' progress. */
export interface SourcesJudgement {
  /** The merging stage's clock, ms since epoch. */
  nowMs: number;
  /** How long a caught-up partition or one never heard of may stay silent, ms. */
  idleMs: number;
  /**
   * Most time between a record's append timestamp (its producer's clock) and its append to the
   * log, ms: a partition caught up at R may still be missing records stamped after R − this.
   */
  appendMarginMs: number;
  /** A brand whose newest event time is older than this is in a backfill, not live. */
  liveSinceMs: number;
}

/**
 * The event time every source partition has got past, for one brand: the per-partition
 * watermark of stream processors (the minimum over the inputs), so a backfill racing over
 * partitions at different speeds does not close an interval before the slowest one counted it.
 * A partition does not hold the brand back when it was caught up well after the newest append
 * any partition reported (it has nothing pending), or caught up and silent for `idleMs` (an idle
 * partition). A caught-up partition of a live brand holds it at most `appendMarginMs` behind its
 * report: what comes later is dated about when it comes. A partition never heard of holds the
 * brand back for `idleMs` after its first report. When no partition holds it back, the newest
 * event time of any partition counts, as when one partition carried the whole brand.
 * @returns how far the brand may close, or null while partitions are awaited
 */
export function sourcesProgress(sources: BrandSources, judgement: SourcesJudgement): SourcesProgress | null {
  const { nowMs, idleMs, appendMarginMs, liveSinceMs } = judgement;
  const reported = Object.values(sources.byPartition);
  if (reported.length === 0) return null;
  const newestAppendMs = Math.max(0, ...reported.map((progress) => progress.appendedUntilMs));
  const newestEventMs = Math.max(...reported.map((progress) => progress.eventTimeMs));
  const live = newestEventMs >= liveSinceMs;
  let holding = Infinity;
  for (let partition = 0; partition < sources.partitions; partition += 1) {
    const progress = sources.byPartition[String(partition)];
    if (progress === undefined) {
      if (nowMs - sources.sinceMs < idleMs) return null;
      continue;
    }
    if (progress.caughtUp) {
      const settled = progress.reportedAtMs - appendMarginMs >= newestAppendMs;
      if (settled || nowMs - progress.reportedAtMs >= idleMs) continue;
      if (live) {
        holding = Math.min(holding, Math.max(progress.eventTimeMs, progress.reportedAtMs - appendMarginMs));
        continue;
      }
    }
    holding = Math.min(holding, progress.eventTimeMs);
  }
  if (holding !== Infinity) return { eventTimeMs: holding, settled: false };
  return { eventTimeMs: newestEventMs, settled: true };
}

import { createTriggerState, evaluateSignal, type ActivePlan } from '@tocsin/crisis-plan';
import {
  advanceWatermark,
  createBrandSignalsState,
  observeTally,
  recordSource,
  sourcesEventTimeMs,
  type BrandSignalsState,
  type BrandSources,
  type BrandWindowSettings,
} from '@tocsin/detection';
import {
  brandRecordKey,
  TOPICS,
  WINDOW_TALLY_FORMAT,
  windowTallySchema,
  type Clock,
  type WindowTally,
} from '@tocsin/domain';
import {
  consumeTopic,
  type BatchConsumerRunner,
  type ConsumerWiring,
  type OutgoingRecord,
  type PartitionBatch,
  type Rejection,
} from '@tocsin/kafka';
import type { PartitionCheckpointStore } from '@tocsin/redis';
import { Logger } from '@nestjs/common';
import { mentionDetectorSettings } from './mention-detector-settings';

/** What one partition of mentions.tallies remembers: its brands' windows and their sources' progress. */
export interface SignalsCheckpoint {
  /** Newest believed event time the partition's tallies reported. */
  maxEventTimeMs: number;
  brands: Record<string, BrandSignalsState>;
  sources: Record<string, BrandSources>;
}

export interface SignalsDependencies {
  /** Partitions handled at once; they are independent (own state, own offsets). */
  partitionsConcurrently: number;
  checkpoints: PartitionCheckpointStore<SignalsCheckpoint>;
  plan: () => ActivePlan;
  settings: Pick<BrandWindowSettings, 'intervalMs' | 'allowedLatenessMs' | 'maxIntervalsPerStep'>;
  groupId: string;
  clock: Clock;
  /** Spike intervals older than this (event time against the clock) are not checked against triggers. */
  liveMaxAgeMs: number;
  /**
   * Tallies dated further ahead of the clock go to the DLQ with the reason: the enrichment stage
   * refuses such mentions, but anything that can write to the topic is believed otherwise, and
   * one such record would close every interval of its brand up to its date.
   */
  maxClockSkewMs: number;
}

function emptyCheckpoint(): SignalsCheckpoint {
  return { maxEventTimeMs: 0, brands: {}, sources: {} };
}

/** State written by this consumer; a shape that is not ours means a corrupted key, and we start over. */
function readCheckpoint(raw: unknown): SignalsCheckpoint {
  const candidate = raw as Partial<SignalsCheckpoint> | null;
  if (!candidate || typeof candidate.maxEventTimeMs !== 'number' || typeof candidate.brands !== 'object') {
    return emptyCheckpoint();
  }
  return {
    maxEventTimeMs: candidate.maxEventTimeMs,
    brands: candidate.brands ?? {},
    sources: candidate.sources ?? {},
  };
}

function futureTallyReason(tally: WindowTally, nowMs: number, maxClockSkewMs: number): string | undefined {
  const newestMs = Math.max(tally.eventTimeMs, ...tally.intervals.map((interval) => interval.startMs));
  if (newestMs <= nowMs + maxClockSkewMs) return undefined;
  return `tally dated ${new Date(newestMs).toISOString()} is ahead of the clock by more than MAX_CLOCK_SKEW_MS = ${maxClockSkewMs} ms`;
}

/**
 * Most the clocks of two pipeline instances may differ: a caught-up report stamped by one is
 * compared with deliveries stamped by another (see sourcesEventTimeMs).
 */
export const PIPELINE_CLOCK_MARGIN_MS = 1_000;

/** Spike triggers keep no memory (see evaluateSignal). */
const NO_TRIGGER_STATE = createTriggerState();

/**
 * mentions.tallies (keyed by brand) → alerts.signals: the second stage of the brand windows. Adds
 * each partition's partial counts to the brand's event-time intervals, closes an interval once
 * every partition of mentions.raw is past it by the allowed lateness (see sourcesEventTimeMs),
 * runs the spike detector on it and checks the verdicts against the plan's spike triggers. Its
 * state is checkpointed in Redis together with the offset it covers, so a replay or a moved
 * partition neither double-counts nor relearns; a copy of a tally (the enrichment group's offsets
 * moved back) is recognised by its source offset. Only the plan's brands have state: tallies of
 * other brands are skipped and counted, the state of a brand leaving the plan is dropped.
 */
export function createSignalsConsumer(
  wiring: ConsumerWiring,
  deps: SignalsDependencies,
): BatchConsumerRunner<WindowTally> {
  const outputTopic = `${wiring.topicPrefix}${TOPICS.alertsSignals}`;
  const logger = new Logger('signals');

  const handle = async (batch: PartitionBatch<WindowTally>): Promise<Rejection[]> => {
    const { checkpoints, plan } = deps;
    const saved = await checkpoints.load(batch.topic, batch.partition, readCheckpoint);
    const coveredOffset = BigInt(saved?.offset ?? '-1');
    const fresh = batch.items.filter((item) => BigInt(item.record.offset) > coveredOffset);
    if (fresh.length === 0) return [];

    const { plan: activePlan } = plan();
    const planBrands = new Set(activePlan.brands.map((brand) => brand.id));
    const nowMs = deps.clock.now();
    // Each brand's weekly cycle starts its days at midnight where its talk lives.
    const zones = new Map(activePlan.brands.map((brand) => [brand.id, brand.timezone ?? activePlan.timezone]));
    const settingsByZone = new Map<string, BrandWindowSettings>();
    const settingsOf = (brandId: string): BrandWindowSettings => {
      const zone = zones.get(brandId) ?? activePlan.timezone;
      let settings = settingsByZone.get(zone);
      if (settings === undefined) {
        settings = { ...deps.settings, detector: mentionDetectorSettings(zone, nowMs) };
        settingsByZone.set(zone, settings);
      }
      return settings;
    };
    const state = saved?.state ?? emptyCheckpoint();
    const brands: Record<string, BrandSignalsState> = {};
    for (const [brandId, brandState] of Object.entries(state.brands)) {
      if (!planBrands.has(brandId)) continue;
      // A watermark beyond the allowed skew was poisoned by a future-dated record (before that
      // record was refused): every mention would stay late until that date, so start over.
      if ((brandState.maxEventTimeMs ?? 0) > nowMs + deps.maxClockSkewMs) {
        logger.warn(`${brandId}: window state dated ${new Date(brandState.maxEventTimeMs ?? 0).toISOString()} reset`);
        brands[brandId] = createBrandSignalsState(brandId, settingsOf(brandId));
        continue;
      }
      brands[brandId] = brandState;
    }
    const sources: Record<string, BrandSources> = {};
    for (const [brandId, brandSources] of Object.entries(state.sources)) {
      if (planBrands.has(brandId)) sources[brandId] = brandSources;
    }
    let maxEventTimeMs = Math.min(state.maxEventTimeMs, nowMs + deps.maxClockSkewMs);
    const outputs: OutgoingRecord[] = [];
    const rejections: Rejection[] = [];
    let late = 0;
    let copies = 0;
    let foreign = 0;
    const liveSinceMs = nowMs - deps.liveMaxAgeMs;

    for (const { record, value: tally } of fresh) {
      if (!planBrands.has(tally.brandId)) {
        foreign += 1;
        continue;
      }
      const ahead = futureTallyReason(tally, nowMs, deps.maxClockSkewMs);
      if (ahead) {
        rejections.push({ record, reason: ahead });
        continue;
      }
      const recorded = recordSource(sources[tally.brandId], tally);
      sources[tally.brandId] = recorded.sources;
      maxEventTimeMs = Math.max(maxEventTimeMs, tally.eventTimeMs);
      if (!recorded.fresh) {
        if (tally.intervals.length > 0) copies += 1;
        continue;
      }
      if (tally.intervals.length === 0) continue;
      let brandState = brands[tally.brandId] ?? createBrandSignalsState(tally.brandId, settingsOf(tally.brandId));
      for (const interval of tally.intervals) {
        const observed = observeTally(brandState, interval);
        brandState = observed.state;
        late += observed.lateMentions;
      }
      brands[tally.brandId] = brandState;
    }

    for (const [brandId, brandSources] of Object.entries(sources)) {
      const eventTimeMs = sourcesEventTimeMs(brandSources, PIPELINE_CLOCK_MARGIN_MS);
      // A brand's series starts with its first counted mention, as when it had one partition.
      const brandState = brands[brandId];
      if (eventTimeMs === null || brandState === undefined) continue;
      // Never past the clock: a source's clock running ahead (within the allowed skew) must not
      // close intervals before they have happened.
      const advanced = advanceWatermark(brandState, Math.min(eventTimeMs, nowMs), settingsOf(brandId));
      brands[brandId] = advanced.state;
      for (const signal of advanced.signals) {
        outputs.push({ key: brandRecordKey(brandId), value: JSON.stringify(signal) });
        const intervalEndMs = Date.parse(signal.intervalEnd);
        if (intervalEndMs < liveSinceMs) continue;
        const evaluation = evaluateSignal(activePlan, NO_TRIGGER_STATE, signal, intervalEndMs);
        for (const hit of evaluation.hits)
          outputs.push({ key: brandRecordKey(hit.brandId), value: JSON.stringify(hit) });
      }
    }
    if (late > 0)
      logger.warn(`${late} mention(s) arrived after their interval closed in ${batch.topic}[${batch.partition}]`);
    if (copies > 0) logger.log(`${copies} tally copies (already merged) skipped in ${batch.topic}[${batch.partition}]`);
    if (foreign > 0)
      logger.warn(
        `${foreign} tally(ies) of brands not in the crisis plan skipped in ${batch.topic}[${batch.partition}]`,
      );

    await wiring.publisher.publish(outputTopic, outputs);
    await checkpoints.save(batch.topic, batch.partition, {
      offset: batch.lastOffset,
      state: { maxEventTimeMs, brands, sources },
    });
    return rejections;
  };

  return consumeTopic(wiring, {
    groupId: `${deps.groupId}-signals`,
    topic: TOPICS.mentionsTallies,
    schema: windowTallySchema,
    trustedFormat: WINDOW_TALLY_FORMAT,
    logger,
    partitionsConsumedConcurrently: deps.partitionsConcurrently,
    handle,
  });
}

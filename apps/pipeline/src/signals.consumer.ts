import {
  createTriggerState,
  evaluateMention,
  evaluateSignal,
  type ActivePlan,
  type TriggerState,
} from '@tocsin/crisis-plan';
import {
  advanceWatermark,
  alignToInterval,
  createBrandSignalsState,
  MENTION_DETECTOR_SETTINGS,
  observeMention,
  sharedEventTimeMs,
  type BrandSignalsState,
  type BrandWindowSettings,
} from '@tocsin/detection';
import {
  brandOfRecordKey,
  brandRecordKey,
  enrichedMentionSchema,
  ENRICHED_MENTION_FORMAT,
  futureEventTimeReason,
  TOPICS,
  type Clock,
  type EnrichedMention,
} from '@tocsin/domain';
import {
  consumeTopic,
  type BatchConsumerRunner,
  type ConsumerWiring,
  type OutgoingRecord,
  type PartitionBatch,
  type Rejection,
} from '@tocsin/kafka';
import type { BrandInterval, CountedMention, PartitionCheckpointStore } from '@tocsin/redis';
import { Logger } from '@nestjs/common';

/** What one partition of mentions.enriched remembers: its brands' windows and trigger memory. */
export interface SignalsCheckpoint {
  /** Newest believed event time of the partition; quiet brands follow it up to the clock. */
  maxEventTimeMs: number;
  brands: Record<string, BrandSignalsState>;
  triggers: TriggerState;
}

export interface SignalsDependencies {
  /** Partitions handled at once; they are independent (own state, own offsets). */
  partitionsConcurrently: number;
  checkpoints: PartitionCheckpointStore<SignalsCheckpoint>;
  plan: () => ActivePlan;
  settings: Pick<BrandWindowSettings, 'intervalMs' | 'allowedLatenessMs' | 'maxIntervalsPerStep'>;
  groupId: string;
  clock: Clock;
  /**
   * Mentions and spike intervals older than this (event time against the clock) still feed the
   * windows and detectors but are not checked against triggers: a backfill, a long lag or a new
   * consumer group reading a topic from its start must not page anyone about yesterday.
   */
  liveMaxAgeMs: number;
  /**
   * Records dated further ahead of the clock go to the DLQ with the reason instead of moving
   * event time: ingest refuses them, but anything that can write to the topic is believed
   * otherwise, and one such record would close every interval of its brand up to its date.
   */
  maxClockSkewMs: number;
}

function emptyCheckpoint(): SignalsCheckpoint {
  return { maxEventTimeMs: 0, brands: {}, triggers: createTriggerState() };
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
    triggers: candidate.triggers ?? createTriggerState(),
  };
}

/**
 * Intervals open before the batch or counted into during it that are no longer open after it:
 * their counted-mention sets can go, since a mention of a closed interval is late whatever it is.
 */
function closedIntervals(
  before: Readonly<Record<string, BrandSignalsState>>,
  counted: readonly CountedMention[],
  after: Readonly<Record<string, BrandSignalsState>>,
): BrandInterval[] {
  const touched = new Map<string, BrandInterval>();
  for (const [brandId, brandState] of Object.entries(before)) {
    for (const tally of brandState.open)
      touched.set(`${brandId}|${tally.startMs}`, { brandId, intervalStartMs: tally.startMs });
  }
  for (const { brandId, intervalStartMs } of counted)
    touched.set(`${brandId}|${intervalStartMs}`, { brandId, intervalStartMs });
  const stillOpen = new Set(
    Object.entries(after).flatMap(([brandId, brandState]) =>
      brandState.open.map((tally) => `${brandId}|${tally.startMs}`),
    ),
  );
  return [...touched.entries()].filter(([key]) => !stillOpen.has(key)).map(([, interval]) => interval);
}

/**
 * mentions.enriched (keyed by brand) → alerts.signals. Counts each brand's mentions in
 * event-time intervals, runs the spike detector when an interval closes, and checks mentions
 * and spikes against the crisis plan's triggers. Its state is checkpointed in Redis together
 * with the offset it covers, so a replay or a moved partition neither double-counts nor relearns.
 * Each brand has its own watermark (see sharedEventTimeMs), and only the plan's brands have
 * state: records of other brands are skipped and counted, the state of a brand leaving the plan
 * is dropped, so the checkpoint stays as small as the plan whatever the topic holds.
 */
export function createSignalsConsumer(
  wiring: ConsumerWiring,
  deps: SignalsDependencies,
): BatchConsumerRunner<EnrichedMention> {
  const outputTopic = `${wiring.topicPrefix}${TOPICS.alertsSignals}`;
  const windowSettings: BrandWindowSettings = { ...deps.settings, detector: MENTION_DETECTOR_SETTINGS };
  const logger = new Logger('signals');

  const handle = async (batch: PartitionBatch<EnrichedMention>): Promise<Rejection[]> => {
    const { checkpoints, plan } = deps;
    const saved = await checkpoints.load(batch.topic, batch.partition, readCheckpoint);
    const coveredOffset = BigInt(saved?.offset ?? '-1');
    const fresh = batch.items.filter((item) => BigInt(item.record.offset) > coveredOffset);
    if (fresh.length === 0) return [];

    // Each fresh record of a brand as the count it would add: the brand's interval and the mention.
    const candidates = fresh.flatMap(({ record, value }): CountedMention[] => {
      const brandId = brandOfRecordKey(record.key);
      if (!brandId) return [];
      const intervalStartMs = alignToInterval(Date.parse(value.createdAt), deps.settings.intervalMs);
      return [{ brandId, intervalStartMs, mentionKey: value.key }];
    });
    const uncountedIndexes = await checkpoints.filterUncounted(batch.topic, batch.partition, candidates);
    const countKey = (candidate: CountedMention): string =>
      `${candidate.brandId}|${candidate.intervalStartMs}|${candidate.mentionKey}`;
    // Removed from as counted, so a copy of a mention within the batch is not counted again.
    const uncounted = new Map(
      candidates.flatMap((candidate, index) =>
        uncountedIndexes.has(index) ? [[countKey(candidate), candidate] as const] : [],
      ),
    );
    const { plan: activePlan } = plan();
    const planBrands = new Set(activePlan.brands.map((brand) => brand.id));
    const nowMs = deps.clock.now();
    let state = saved?.state ?? emptyCheckpoint();
    const brands = Object.fromEntries(
      Object.entries(state.brands).flatMap(([brandId, brandState]) => {
        if (!planBrands.has(brandId)) return [];
        // A watermark beyond the allowed skew was poisoned by a future-dated record (before that
        // record was refused): every mention would stay late until that date, so start over.
        if ((brandState.maxEventTimeMs ?? 0) > nowMs + deps.maxClockSkewMs) {
          logger.warn(`${brandId}: window state dated ${new Date(brandState.maxEventTimeMs ?? 0).toISOString()} reset`);
          return [[brandId, createBrandSignalsState(brandId, windowSettings)]];
        }
        return [[brandId, brandState]];
      }),
    );
    let triggers = state.triggers;
    const outputs: OutgoingRecord[] = [];
    const rejections: Rejection[] = [];
    const counted: CountedMention[] = [];
    let late = 0;
    let old = 0;
    let foreign = 0;
    const liveSinceMs = nowMs - deps.liveMaxAgeMs;

    for (const { record, value: mention } of fresh) {
      const brandId = brandOfRecordKey(record.key);
      if (!brandId) continue;
      const eventTimeMs = Date.parse(mention.createdAt);
      const key = countKey({
        brandId,
        intervalStartMs: alignToInterval(eventTimeMs, deps.settings.intervalMs),
        mentionKey: mention.key,
      });
      const candidate = uncounted.get(key);
      if (!candidate) continue;
      uncounted.delete(key);
      if (!planBrands.has(brandId)) {
        foreign += 1;
        continue;
      }
      const ahead = futureEventTimeReason(mention.createdAt, nowMs, deps.maxClockSkewMs);
      if (ahead) {
        rejections.push({ record, reason: ahead });
        continue;
      }
      const observed = observeMention(
        brands[brandId] ?? createBrandSignalsState(brandId, windowSettings),
        {
          brandId,
          eventTimeMs,
          negative: mention.sentiment.label === 'negative',
          followers: mention.author.followers ?? 0,
        },
        windowSettings,
      );
      brands[brandId] = observed.state;
      if (observed.late) late += 1;
      else counted.push(candidate);
      state = { ...state, maxEventTimeMs: Math.max(state.maxEventTimeMs, eventTimeMs) };
      if (eventTimeMs < liveSinceMs) {
        old += 1;
        continue;
      }
      // Triggers judge one brand's view of the mention: the record is that brand's copy.
      const evaluation = evaluateMention(activePlan, triggers, { ...mention, brandIds: [brandId] }, eventTimeMs);
      triggers = evaluation.state;
      outputs.push(...evaluation.hits.map((hit) => ({ key: brandRecordKey(hit.brandId), value: JSON.stringify(hit) })));
    }

    const sharedMs = sharedEventTimeMs(state.maxEventTimeMs, nowMs);
    for (const [brandId, brandState] of Object.entries(brands)) {
      const advanced = advanceWatermark(brandState, sharedMs, windowSettings);
      brands[brandId] = advanced.state;
      for (const signal of advanced.signals) {
        outputs.push({ key: brandRecordKey(brandId), value: JSON.stringify(signal) });
        const intervalEndMs = Date.parse(signal.intervalEnd);
        if (intervalEndMs < liveSinceMs) continue;
        const evaluation = evaluateSignal(activePlan, triggers, signal, intervalEndMs);
        triggers = evaluation.state;
        outputs.push(
          ...evaluation.hits.map((hit) => ({ key: brandRecordKey(hit.brandId), value: JSON.stringify(hit) })),
        );
      }
    }
    if (late > 0)
      logger.warn(`${late} mention(s) arrived after their interval closed in ${batch.topic}[${batch.partition}]`);
    if (foreign > 0)
      logger.warn(
        `${foreign} record(s) of brands not in the crisis plan skipped in ${batch.topic}[${batch.partition}]`,
      );
    if (old > 0)
      logger.log(
        `${old} mention(s) older than the live horizon counted but not checked against triggers in ${batch.topic}[${batch.partition}]`,
      );

    await wiring.publisher.publish(outputTopic, outputs);
    await checkpoints.save(
      batch.topic,
      batch.partition,
      { offset: batch.lastOffset, state: { ...state, brands, triggers } },
      counted,
      closedIntervals(saved?.state.brands ?? {}, counted, brands),
    );
    return rejections;
  };

  return consumeTopic(wiring, {
    groupId: `${deps.groupId}-signals`,
    topic: TOPICS.mentionsEnriched,
    schema: enrichedMentionSchema,
    trustedFormat: ENRICHED_MENTION_FORMAT,
    logger,
    partitionsConsumedConcurrently: deps.partitionsConcurrently,
    handle,
  });
}

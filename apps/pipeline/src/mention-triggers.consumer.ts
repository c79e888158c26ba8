import { createTriggerState, evaluateMention, type ActivePlan, type TriggerState } from '@tocsin/crisis-plan';
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
import type { PartitionCheckpointStore } from '@tocsin/redis';
import { Logger } from '@nestjs/common';

/** What one partition of mentions.enriched remembers: the mention triggers' memory (share windows). */
export interface MentionTriggersCheckpoint {
  triggers: TriggerState;
}

export interface MentionTriggersDependencies {
  /** Partitions handled at once; they are independent (own state, own offsets). */
  partitionsConcurrently: number;
  checkpoints: PartitionCheckpointStore<MentionTriggersCheckpoint>;
  plan: () => ActivePlan;
  groupId: string;
  clock: Clock;
  /**
   * Mentions older than this (event time against the clock) are not checked against triggers: a
   * backfill, a long lag or a new consumer group reading a topic from its start must not page
   * anyone about yesterday.
   */
  liveMaxAgeMs: number;
  /** Records dated further ahead of the clock go to the DLQ with the reason (see futureEventTimeReason). */
  maxClockSkewMs: number;
}

/** State written by this consumer; a shape that is not ours means a corrupted key, and we start over. */
function readCheckpoint(raw: unknown): MentionTriggersCheckpoint {
  const candidate = raw as Partial<MentionTriggersCheckpoint> | null;
  if (!candidate || typeof candidate.triggers !== 'object' || candidate.triggers === null) {
    return { triggers: createTriggerState() };
  }
  return { triggers: candidate.triggers };
}

/**
 * mentions.enriched (keyed by brand) → alerts.signals: checks each brand's copy of a mention
 * against the plan's mention triggers. Keyed by brand because negative-share triggers keep a
 * window per brand; the trigger memory is checkpointed with the offset it covers, so a replay
 * does not count a mention in a share window twice. Records of brands not in the plan are skipped.
 */
export function createMentionTriggersConsumer(
  wiring: ConsumerWiring,
  deps: MentionTriggersDependencies,
): BatchConsumerRunner<EnrichedMention> {
  const outputTopic = `${wiring.topicPrefix}${TOPICS.alertsSignals}`;
  const logger = new Logger('mention-triggers');

  const handle = async (batch: PartitionBatch<EnrichedMention>): Promise<Rejection[]> => {
    const saved = await deps.checkpoints.load(batch.topic, batch.partition, readCheckpoint);
    const coveredOffset = BigInt(saved?.offset ?? '-1');
    const { plan: activePlan } = deps.plan();
    const planBrands = new Set(activePlan.brands.map((brand) => brand.id));
    const nowMs = deps.clock.now();
    const liveSinceMs = nowMs - deps.liveMaxAgeMs;
    let triggers = saved?.state.triggers ?? createTriggerState();
    const outputs: OutgoingRecord[] = [];
    const rejections: Rejection[] = [];
    let fresh = 0;
    let foreign = 0;
    for (const { record, value: mention } of batch.items) {
      if (BigInt(record.offset) <= coveredOffset) continue;
      fresh += 1;
      const brandId = brandOfRecordKey(record.key);
      if (!brandId) continue;
      if (!planBrands.has(brandId)) {
        foreign += 1;
        continue;
      }
      const ahead = futureEventTimeReason(mention.createdAt, nowMs, deps.maxClockSkewMs);
      if (ahead) {
        rejections.push({ record, reason: ahead });
        continue;
      }
      const eventTimeMs = Date.parse(mention.createdAt);
      if (eventTimeMs < liveSinceMs) continue;
      // Triggers judge one brand's view of the mention: the record is that brand's copy.
      const evaluation = evaluateMention(activePlan, triggers, { ...mention, brandIds: [brandId] }, eventTimeMs);
      triggers = evaluation.state;
      for (const hit of evaluation.hits) outputs.push({ key: brandRecordKey(hit.brandId), value: JSON.stringify(hit) });
    }
    if (fresh === 0) return [];
    if (foreign > 0)
      logger.warn(
        `${foreign} record(s) of brands not in the crisis plan skipped in ${batch.topic}[${batch.partition}]`,
      );
    await wiring.publisher.publish(outputTopic, outputs);
    await deps.checkpoints.save(batch.topic, batch.partition, { offset: batch.lastOffset, state: { triggers } });
    return rejections;
  };

  return consumeTopic(wiring, {
    groupId: `${deps.groupId}-triggers`,
    topic: TOPICS.mentionsEnriched,
    schema: enrichedMentionSchema,
    trustedFormat: ENRICHED_MENTION_FORMAT,
    logger,
    partitionsConsumedConcurrently: deps.partitionsConcurrently,
    handle,
  });
}

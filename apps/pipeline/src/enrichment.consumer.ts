import { mentionKey, mentionSchema, TOPICS, type BrandMatcher, type Clock, type Mention } from '@tocsin/domain';
import { consumeTopic, type BatchConsumerRunner, type ConsumerWiring, type PartitionBatch } from '@tocsin/kafka';
import type { SeenMentionsStore } from '@tocsin/redis';
import { Logger } from '@nestjs/common';
import { enrichMention, toEnrichedRecords } from './mention-enrichment';

export interface EnrichmentDependencies {
  seen: SeenMentionsStore;
  brandMatchers: () => readonly BrandMatcher[];
  clock: Clock;
  groupId: string;
}

/**
 * mentions.raw → mentions.enriched. A mention already seen (same platform and id) is dropped;
 * it is marked seen only after its enriched records are acknowledged, so a crash in between
 * republishes rather than loses it.
 */
export function createEnrichmentConsumer(
  wiring: ConsumerWiring,
  deps: EnrichmentDependencies,
): BatchConsumerRunner<Mention> {
  const outputTopic = `${wiring.topicPrefix}${TOPICS.mentionsEnriched}`;
  const handle = async (batch: PartitionBatch<Mention>): Promise<void> => {
    const unseen = new Set(await deps.seen.filterUnseen(batch.items.map((item) => mentionKey(item.value))));
    const matchers = deps.brandMatchers();
    const enrichedAt = new Date(deps.clock.now()).toISOString();
    const records = [];
    const published: string[] = [];
    for (const { value } of batch.items) {
      const key = mentionKey(value);
      if (!unseen.delete(key)) continue;
      records.push(...toEnrichedRecords(enrichMention(value, matchers, enrichedAt)));
      published.push(key);
    }
    await wiring.publisher.publish(outputTopic, records);
    await deps.seen.markSeen(published);
  };
  return consumeTopic(wiring, {
    groupId: `${deps.groupId}-enrichment`,
    topic: TOPICS.mentionsRaw,
    schema: mentionSchema,
    logger: new Logger('enrichment'),
    handle,
  });
}

import { Logger } from '@nestjs/common';
import { brandOfRecordKey, enrichedMentionSchema, TOPICS, type EnrichedMention } from '@tocsin/domain';
import { consumeTopic, type BatchConsumerRunner, type ConsumerWiring, type PartitionBatch } from '@tocsin/kafka';
import type { RecentMentionsStore } from '@tocsin/redis';
import type { MentionsGateway } from './mentions.gateway';

/** mentions.enriched → the brand's room and its recent-mentions buffer. */
export function createMentionDeliveryConsumer(
  wiring: ConsumerWiring,
  deps: { recent: RecentMentionsStore; gateway: MentionsGateway; groupId: string },
): BatchConsumerRunner<EnrichedMention> {
  const handle = async (batch: PartitionBatch<EnrichedMention>): Promise<void> => {
    const byBrand = new Map<string, EnrichedMention[]>();
    for (const { record, value } of batch.items) {
      const brandId = brandOfRecordKey(record.key);
      if (brandId) byBrand.set(brandId, [...(byBrand.get(brandId) ?? []), value]);
    }
    for (const [brandId, mentions] of byBrand) {
      await deps.recent.push(
        brandId,
        mentions.map((mention) => JSON.stringify(mention)),
      );
      for (const mention of mentions) deps.gateway.deliverMention(brandId, mention);
    }
  };
  return consumeTopic(wiring, {
    groupId: `${deps.groupId}-mentions`,
    topic: TOPICS.mentionsEnriched,
    schema: enrichedMentionSchema,
    logger: new Logger('mention-delivery'),
    // A wall shows what is said now: a new gateway group starts at the end of the stream.
    fromBeginning: false,
    handle,
  });
}

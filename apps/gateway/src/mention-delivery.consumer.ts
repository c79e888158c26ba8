import { brandOfRecordKey, enrichedMentionSchema, TOPICS, type EnrichedMention } from '@tocsin/domain';
import {
  BatchConsumerRunner,
  jsonRecordDecoder,
  type KafkaLogger,
  type KafkaSettings,
  type PartitionBatch,
  type RecordPublisher,
} from '@tocsin/kafka';
import type { RecentMentionsStore } from '@tocsin/redis';
import type { Kafka } from 'kafkajs';
import type { MentionsGateway } from './mentions.gateway';

export interface MentionDeliveryDependencies {
  kafka: Kafka;
  kafkaSettings: KafkaSettings;
  publisher: RecordPublisher;
  recent: RecentMentionsStore;
  gateway: MentionsGateway;
  logger: KafkaLogger & { log(message: string): void };
  groupId: string;
}

/** mentions.enriched → the brand's room and its recent-mentions buffer. */
export class MentionDeliveryConsumer {
  private readonly runner: BatchConsumerRunner<EnrichedMention>;

  constructor(private readonly deps: MentionDeliveryDependencies) {
    const prefix = deps.kafkaSettings.topicPrefix;
    this.runner = new BatchConsumerRunner<EnrichedMention>({
      kafka: deps.kafka,
      publisher: deps.publisher,
      logger: deps.logger,
      groupId: `${deps.groupId}-mentions`,
      topic: `${prefix}${TOPICS.mentionsEnriched}`,
      dlqTopic: `${prefix}${TOPICS.mentionsDlq}`,
      // A wall shows what is said now: a new gateway group starts at the end of the stream.
      fromBeginning: false,
      decode: jsonRecordDecoder(enrichedMentionSchema),
      handle: (batch) => this.handle(batch),
    });
  }

  start(): Promise<void> {
    return this.runner.start();
  }

  stop(): Promise<void> {
    return this.runner.stop();
  }

  private async handle(batch: PartitionBatch<EnrichedMention>): Promise<void> {
    const byBrand = new Map<string, EnrichedMention[]>();
    for (const { record, value } of batch.items) {
      const brandId = brandOfRecordKey(record.key);
      if (!brandId) continue;
      byBrand.set(brandId, [...(byBrand.get(brandId) ?? []), value]);
    }
    for (const [brandId, mentions] of byBrand) {
      await this.deps.recent.push(
        brandId,
        mentions.map((mention) => JSON.stringify(mention)),
      );
      for (const mention of mentions) this.deps.gateway.deliverMention(brandId, mention);
    }
  }
}

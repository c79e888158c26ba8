import { mentionKey, mentionSchema, TOPICS, type BrandMatcher, type Clock, type Mention } from '@tocsin/domain';
import {
  BatchConsumerRunner,
  jsonRecordDecoder,
  type KafkaLogger,
  type KafkaSettings,
  type PartitionBatch,
  type RecordPublisher,
} from '@tocsin/kafka';
import type { SeenMentionsStore } from '@tocsin/redis';
import type { Kafka } from 'kafkajs';
import { enrichMention, toEnrichedRecords } from './mention-enrichment';

export interface EnrichmentDependencies {
  kafka: Kafka;
  kafkaSettings: KafkaSettings;
  publisher: RecordPublisher;
  seen: SeenMentionsStore;
  brandMatchers: () => readonly BrandMatcher[];
  clock: Clock;
  logger: KafkaLogger & { log(message: string): void };
  groupId: string;
}

/**
 * mentions.raw → mentions.enriched. A mention already seen (same platform and id) is dropped;
 * it is marked seen only after its enriched records are acknowledged, so a crash in between
 * republishes rather than loses it.
 */
export class EnrichmentConsumer {
  private readonly runner: BatchConsumerRunner<Mention>;
  private readonly outputTopic: string;

  constructor(private readonly deps: EnrichmentDependencies) {
    const prefix = deps.kafkaSettings.topicPrefix;
    this.outputTopic = `${prefix}${TOPICS.mentionsEnriched}`;
    this.runner = new BatchConsumerRunner<Mention>({
      kafka: deps.kafka,
      publisher: deps.publisher,
      logger: deps.logger,
      groupId: `${deps.groupId}-enrichment`,
      topic: `${prefix}${TOPICS.mentionsRaw}`,
      dlqTopic: `${prefix}${TOPICS.mentionsDlq}`,
      decode: jsonRecordDecoder(mentionSchema),
      handle: (batch) => this.handle(batch),
    });
  }

  start(): Promise<void> {
    return this.runner.start();
  }

  stop(): Promise<void> {
    return this.runner.stop();
  }

  private async handle(batch: PartitionBatch<Mention>): Promise<void> {
    const unseen = new Set(await this.deps.seen.filterUnseen(batch.items.map((item) => mentionKey(item.value))));
    const matchers = this.deps.brandMatchers();
    const enrichedAt = new Date(this.deps.clock.now()).toISOString();
    const records = [];
    const published: string[] = [];
    for (const { value } of batch.items) {
      const key = mentionKey(value);
      if (!unseen.delete(key)) continue;
      records.push(...toEnrichedRecords(enrichMention(value, matchers, enrichedAt)));
      published.push(key);
    }
    await this.deps.publisher.publish(this.outputTopic, records);
    await this.deps.seen.markSeen(published);
  }
}

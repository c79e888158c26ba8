import {
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { systemClock, TOPICS } from '@tocsin/domain';
import { createKafka, ensureTopics, RecordPublisher, tocsinTopicSpecs } from '@tocsin/kafka';
import { PlanSource } from '@tocsin/plan-source';
import { createRedis, PartitionCheckpointStore, RedisKeys, SeenMentionsStore } from '@tocsin/redis';
import type Redis from 'ioredis';
import type { Kafka } from 'kafkajs';
import { PIPELINE_CONFIG, type PipelineConfig } from './config';
import { EnrichmentConsumer } from './enrichment.consumer';
import { SignalsConsumer, type SignalsCheckpoint } from './signals.consumer';

const KAFKA_CLIENT = Symbol('KafkaClient');
const REDIS_CLIENT = Symbol('RedisClient');

class PipelineLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly enrichment: EnrichmentConsumer;
  private readonly signals: SignalsConsumer;

  constructor(
    @Inject(PIPELINE_CONFIG) private readonly config: PipelineConfig,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly publisher: RecordPublisher,
    private readonly plan: PlanSource,
  ) {
    const keys = new RedisKeys(config.redis.keyPrefix);
    this.enrichment = new EnrichmentConsumer({
      kafka,
      kafkaSettings: config.kafka,
      publisher,
      seen: new SeenMentionsStore(redis, keys, `${config.groupId}-enrichment`),
      brandMatchers: () => plan.brandMatchers(),
      clock: systemClock,
      logger: new Logger('enrichment'),
      groupId: config.groupId,
    });
    this.signals = new SignalsConsumer({
      kafka,
      kafkaSettings: config.kafka,
      publisher,
      checkpoints: new PartitionCheckpointStore<SignalsCheckpoint>(redis, keys, `${config.groupId}-signals`),
      plan: () => plan.current(),
      settings: { intervalMs: config.intervalMs, allowedLatenessMs: config.allowedLatenessMs },
      logger: new Logger('signals'),
      groupId: config.groupId,
    });
  }

  async onModuleInit(): Promise<void> {
    await this.plan.start({ watch: true });
    await ensureTopics(this.kafka, tocsinTopicSpecs(this.config.kafka.topicPrefix, TOPICS));
    await this.publisher.connect();
    await this.enrichment.start();
    await this.signals.start();
  }

  /** Consumers stop fetching and commit the batch in hand before the producer goes away. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.enrichment.stop(), this.signals.stop()]);
    this.plan.stop();
    await this.publisher.disconnect();
    await this.redis.quit();
    new Logger('pipeline').log('pipeline stopped cleanly: last batches committed, consumer groups left');
  }
}

@Module({})
export class PipelineModule {
  static forConfig(config: PipelineConfig): DynamicModule {
    const logger = new Logger('kafka');
    return {
      module: PipelineModule,
      providers: [
        { provide: PIPELINE_CONFIG, useValue: config },
        { provide: KAFKA_CLIENT, useFactory: () => createKafka(config.kafka, logger) },
        { provide: REDIS_CLIENT, useFactory: () => createRedis(config.redis, 'tocsin-pipeline') },
        { provide: RecordPublisher, useFactory: (kafka: Kafka) => new RecordPublisher(kafka), inject: [KAFKA_CLIENT] },
        { provide: PlanSource, useFactory: () => new PlanSource(config.planFile, new Logger('plan')) },
        PipelineLifecycle,
      ],
    };
  }
}

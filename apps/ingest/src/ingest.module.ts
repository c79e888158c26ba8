import { loggingImports, MetricsController, metricsProviders } from '@tocsin/observability';
import {
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { systemClock, TOPICS } from '@tocsin/domain';
import {
  ensureTocsinTopics,
  KAFKA_CLIENT,
  KAFKA_TELEMETRY,
  kafkaProviders,
  RecordPublisher,
  type KafkaTelemetry,
} from '@tocsin/kafka';
import { PlanSource, planSourceProvider } from '@tocsin/plan-source';
import { IngestKeyStore, REDIS_CLIENT, redisProviders, RedisKeys } from '@tocsin/redis';
import type Redis from 'ioredis';
import type { Kafka } from 'kafkajs';
import { INGEST_CONFIG, type IngestConfig } from './config';
import { IngestKeyAuthenticator } from './ingest-key.authenticator';
import { HealthController } from './health.controller';
import { MentionsIntake } from './mentions.controller';
import { PublisherPool } from './publisher.pool';

class IngestLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly publishers: PublisherPool,
    private readonly plan: PlanSource,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.plan.start({ watch: true });
    await ensureTocsinTopics(this.kafka, this.config.kafka, TOPICS, new Logger('kafka'));
    await this.publishers.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.plan.stop();
    await this.publishers.disconnect();
    await this.redis.quit();
    new Logger('ingest').log('ingest stopped cleanly: every accepted mention was acknowledged by Kafka');
  }
}

@Module({})
export class IngestModule {
  static forConfig(config: IngestConfig): DynamicModule {
    return {
      module: IngestModule,
      imports: loggingImports(config.logFormat, config.logLevels),
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: INGEST_CONFIG, useValue: config },
        ...metricsProviders('ingest'),
        ...kafkaProviders(config.kafka),
        ...redisProviders(config.redis, 'tocsin-ingest'),
        {
          provide: IngestKeyAuthenticator,
          useFactory: (redis: Redis, keys: RedisKeys) =>
            new IngestKeyAuthenticator(new IngestKeyStore(redis, keys), systemClock, config.keyCacheMs),
          inject: [REDIS_CLIENT, RedisKeys],
        },
        planSourceProvider(config.planFile),
        {
          provide: PublisherPool,
          useFactory: (kafka: Kafka, first: RecordPublisher, telemetry?: KafkaTelemetry) =>
            new PublisherPool([
              first,
              ...Array.from({ length: config.producers - 1 }, () => new RecordPublisher(kafka, telemetry)),
            ]),
          inject: [KAFKA_CLIENT, RecordPublisher, { token: KAFKA_TELEMETRY, optional: true }],
        },
        MentionsIntake,
        IngestLifecycle,
      ],
    };
  }
}

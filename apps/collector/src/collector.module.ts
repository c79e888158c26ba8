import {
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { systemClock, TOPICS } from '@tocsin/domain';
import { ensureTocsinTopics, KAFKA_CLIENT, kafkaProviders, RecordPublisher } from '@tocsin/kafka';
import { MetricsController, metricsProviders } from '@tocsin/observability';
import { PlanSource, planSourceProvider } from '@tocsin/plan-source';
import { REDIS_CLIENT, RedisKeys, redisProviders } from '@tocsin/redis';
import type { Source } from '@tocsin/sources';
import type Redis from 'ioredis';
import type { Kafka } from 'kafkajs';
import { COLLECTOR_CONFIG, type CollectorConfig } from './config';
import { HealthController } from './health.controller';
import { SourceCoordinator } from './source.coordinator';
import { SourceLeaseStore } from './source-lease.store';
import { SourceOutput } from './source.output';

// Every dependency is injected by token, so the app also runs under tsx (no decorator metadata).
class CollectorLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('collector');

  constructor(
    @Inject(COLLECTOR_CONFIG) private readonly config: CollectorConfig,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(RecordPublisher) private readonly publisher: RecordPublisher,
    @Inject(PlanSource) private readonly plan: PlanSource,
    @Inject(SourceCoordinator) private readonly coordinator: SourceCoordinator,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.plan.start({ watch: true });
    await ensureTocsinTopics(this.kafka, this.config.kafka, TOPICS, new Logger('kafka'));
    await this.publisher.connect();
    await this.coordinator.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.coordinator.stop();
    this.plan.stop();
    await this.publisher.disconnect();
    await this.redis.quit();
    this.logger.log('collector stopped cleanly: every read item was acknowledged by Kafka and checkpointed');
  }
}

@Module({})
export class CollectorModule {
  static forConfig(config: CollectorConfig, sources: readonly Source[]): DynamicModule {
    return {
      module: CollectorModule,
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: COLLECTOR_CONFIG, useValue: config },
        ...metricsProviders('collector'),
        ...kafkaProviders(config.kafka),
        ...redisProviders(config.redis, `tocsin-collector-${config.instanceId}`),
        planSourceProvider(config.planFile),
        {
          provide: SourceLeaseStore,
          useFactory: (redis: Redis, keys: RedisKeys) => new SourceLeaseStore(redis, keys),
          inject: [REDIS_CLIENT, RedisKeys],
        },
        {
          provide: SourceOutput,
          useFactory: (publisher: RecordPublisher, leases: SourceLeaseStore) =>
            new SourceOutput(config.kafka, publisher, leases, systemClock, config.instanceId),
          inject: [RecordPublisher, SourceLeaseStore],
        },
        {
          provide: SourceCoordinator,
          useFactory: (leases: SourceLeaseStore, output: SourceOutput) =>
            new SourceCoordinator(
              sources,
              leases,
              output,
              {
                instanceId: config.instanceId,
                leaseMs: config.leaseMs,
                maxFutureSkewMs: config.maxFutureSkewMs,
                backoff: config.backoff,
                environment: config.environment,
              },
              systemClock,
              Math.random,
              new Logger('sources'),
            ),
          inject: [SourceLeaseStore, SourceOutput],
        },
        CollectorLifecycle,
      ],
    };
  }
}

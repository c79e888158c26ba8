import {
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { TOPICS } from '@tocsin/domain';
import { createKafka, ensureTopics, RecordPublisher, tocsinTopicSpecs } from '@tocsin/kafka';
import { PlanSource } from '@tocsin/plan-source';
import { createRedis, RecentMentionsStore, RedisKeys } from '@tocsin/redis';
import type Redis from 'ioredis';
import type { Kafka } from 'kafkajs';
import { BrandsController } from './brands.controller';
import { GATEWAY_CONFIG, type GatewayConfig } from './config';
import { KAFKA_CLIENT, REDIS_CLIENT } from './gateway.tokens';
import { MentionDeliveryConsumer } from './mention-delivery.consumer';
import { MentionsGateway } from './mentions.gateway';

class GatewayLifecycle implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly consumer: MentionDeliveryConsumer;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly publisher: RecordPublisher,
    private readonly plan: PlanSource,
    recent: RecentMentionsStore,
    gateway: MentionsGateway,
  ) {
    this.consumer = new MentionDeliveryConsumer({
      kafka,
      kafkaSettings: config.kafka,
      publisher,
      recent,
      gateway,
      logger: new Logger('mention-delivery'),
      groupId: config.groupId,
    });
  }

  async onModuleInit(): Promise<void> {
    await this.plan.start({ watch: true });
    await ensureTopics(this.kafka, tocsinTopicSpecs(this.config.kafka.topicPrefix, TOPICS));
    await this.publisher.connect();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    this.plan.stop();
    await this.publisher.disconnect();
    await this.redis.quit();
  }
}

@Module({})
export class GatewayModule {
  static forConfig(config: GatewayConfig): DynamicModule {
    const logger = new Logger('kafka');
    return {
      module: GatewayModule,
      controllers: [BrandsController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: KAFKA_CLIENT, useFactory: () => createKafka(config.kafka, logger) },
        { provide: REDIS_CLIENT, useFactory: () => createRedis(config.redis, 'tocsin-gateway') },
        { provide: RedisKeys, useFactory: () => new RedisKeys(config.redis.keyPrefix) },
        { provide: RecordPublisher, useFactory: (kafka: Kafka) => new RecordPublisher(kafka), inject: [KAFKA_CLIENT] },
        { provide: PlanSource, useFactory: () => new PlanSource(config.planFile, new Logger('plan')) },
        {
          provide: RecentMentionsStore,
          useFactory: (redis: Redis, keys: RedisKeys) => new RecentMentionsStore(redis, keys),
          inject: [REDIS_CLIENT, RedisKeys],
        },
        MentionsGateway,
        GatewayLifecycle,
      ],
    };
  }
}

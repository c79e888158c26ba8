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
import { ModuleRef } from '@nestjs/core';
import { systemClock, TOPICS, type EnrichedMention } from '@tocsin/domain';
import {
  ensureTocsinTopics,
  KAFKA_CLIENT,
  kafkaProviders,
  RecordPublisher,
  stopProcessOnFatal,
  type BatchConsumerRunner,
} from '@tocsin/kafka';
import { PlanSource, planSourceProvider } from '@tocsin/plan-source';
import {
  AlertStore,
  REDIS_CLIENT,
  redisProviders,
  RecentMentionsStore,
  RecentSignalsStore,
  RedisKeys,
  SilenceStore,
} from '@tocsin/redis';
import type Redis from 'ioredis';
import type { Kafka } from 'kafkajs';
import { AlertService } from './alert.service';
import { createAlertSignalsConsumer, type AlertSignal } from './alert-signals.consumer';
import { AlertsController } from './alerts.controller';
import { AlertsGateway } from './alerts.gateway';
import { HealthController } from './health.controller';
import { PlanController } from './plan.controller';
import { GATEWAY_CONFIG, type GatewayConfig } from './config';
import { createMentionDeliveryConsumer } from './mention-delivery.consumer';
import { MentionsGateway } from './mentions.gateway';
import { WebhookOutbox } from './webhook.outbox';

class GatewayLifecycle implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly mentions: BatchConsumerRunner<EnrichedMention>;
  private readonly signals: BatchConsumerRunner<AlertSignal>;
  private readonly logger = new Logger('timers');
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly publisher: RecordPublisher,
    private readonly plan: PlanSource,
    private readonly alerts: AlertService,
    private readonly outbox: WebhookOutbox,
    recent: RecentMentionsStore,
    recentSignals: RecentSignalsStore,
    gateway: MentionsGateway,
  ) {
    const wiring = { kafka, publisher, topicPrefix: config.kafka.topicPrefix, onFatal: stopProcessOnFatal };
    this.mentions = createMentionDeliveryConsumer(wiring, {
      recent,
      gateway,
      groupId: config.groupId,
      clock: systemClock,
      liveMaxAgeMs: config.liveMaxAgeMs,
    });
    this.signals = createAlertSignalsConsumer(wiring, {
      alerts,
      gateway,
      recentSignals,
      groupId: config.groupId,
      clock: systemClock,
      liveMaxAgeMs: config.liveMaxAgeMs,
    });
  }

  async onModuleInit(): Promise<void> {
    await this.plan.start({ watch: true });
    await ensureTocsinTopics(this.kafka, this.config.kafka, TOPICS, new Logger('kafka'));
    await this.publisher.connect();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.mentions.start();
    await this.signals.start();
    this.timer = setInterval(() => this.tick(), this.config.escalationPollMs);
  }

  /** Escalations, auto-resolves and webhook retries; a tick never overlaps the previous one. */
  private tick(): void {
    this.ticking = this.ticking.then(async () => {
      try {
        await this.alerts.runDue();
        await this.outbox.deliverDue();
      } catch (error) {
        this.logger.error(
          `due work failed, retried next tick: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    });
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
    await Promise.all([this.mentions.stop(), this.signals.stop()]);
  }

  async onApplicationShutdown(): Promise<void> {
    this.plan.stop();
    await this.publisher.disconnect();
    await this.redis.quit();
    new Logger('gateway').log('gateway stopped cleanly: sockets closed, last batches committed');
  }
}

@Module({})
export class GatewayModule {
  static forConfig(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [PlanController, AlertsController, HealthController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        ...kafkaProviders(config.kafka),
        ...redisProviders(config.redis, 'tocsin-gateway'),
        planSourceProvider(config.planFile),
        {
          provide: RecentMentionsStore,
          useFactory: (redis: Redis, keys: RedisKeys) => new RecentMentionsStore(redis, keys),
          inject: [REDIS_CLIENT, RedisKeys],
        },
        {
          provide: RecentSignalsStore,
          useFactory: (redis: Redis, keys: RedisKeys) => new RecentSignalsStore(redis, keys),
          inject: [REDIS_CLIENT, RedisKeys],
        },
        {
          provide: WebhookOutbox,
          useFactory: (redis: Redis, keys: RedisKeys) => new WebhookOutbox(redis, keys, systemClock),
          inject: [REDIS_CLIENT, RedisKeys],
        },
        {
          provide: AlertService,
          // The gateway broadcasts for the service and the service serves the gateway: resolving
          // the gateway lazily breaks the cycle without forwardRef.
          useFactory: (redis: Redis, keys: RedisKeys, outbox: WebhookOutbox, plan: PlanSource, moduleRef: ModuleRef) =>
            new AlertService(
              new AlertStore(redis, keys, config.redis.confirmation),
              new SilenceStore(redis, keys),
              outbox,
              plan,
              systemClock,
              () => moduleRef.get(AlertsGateway),
              {
                consoleUrl: `${config.publicUrl}/console.html`,
                slackWebhookUrl: config.slackWebhookUrl,
                alertWebhookUrl: config.alertWebhookUrl,
              },
            ),
          inject: [REDIS_CLIENT, RedisKeys, WebhookOutbox, PlanSource, ModuleRef],
        },
        MentionsGateway,
        AlertsGateway,
        GatewayLifecycle,
      ],
    };
  }
}

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
import { APP_GUARD } from '@nestjs/core';
import { AlertActions, ReplyQueueActions } from '@tocsin/alert-actions';
import type { SocketMessage } from '@tocsin/alerting';
import type { AlertSignal } from '@tocsin/crisis-plan';
import { systemClock, TOPICS, type EnrichedMention } from '@tocsin/domain';
import {
  ensureTocsinTopics,
  KAFKA_CLIENT,
  kafkaProviders,
  RecordPublisher,
  stopProcessOnFatal,
  type BatchConsumerRunner,
} from '@tocsin/kafka';
import { metricsProviders, monitoredWiring, TocsinMetrics } from '@tocsin/observability';
import { PlanSource, planSourceProvider } from '@tocsin/plan-source';
import {
  AlertStore,
  DeliveredKeysStore,
  OutboxStore,
  REDIS_CLIENT,
  redisProviders,
  RecentMentionsStore,
  RecentSignalsStore,
  VolumeHistoryStore,
  RedisKeys,
  ReplyQueueStore,
  SilenceStore,
  UserStore,
} from '@tocsin/redis';
import type { ReplyQueueEvent } from '@tocsin/reply-queue';
import type Redis from 'ioredis';
import type { Kafka } from 'kafkajs';
import { createAlertEventsConsumer } from './alert-events.consumer';
import { AlertsController } from './alerts.controller';
import { AlertsGateway } from './alerts.gateway';
import { AccessGuard } from './auth/access.guard';
import { OidcController } from './auth/oidc.controller';
import { SessionController } from './auth/session.controller';
import { SessionGate } from './auth/session.store';
import { SignInService } from './auth/sign-in.service';
import { GATEWAY_CONFIG, type GatewayConfig } from './config';
import { ConsumerReadiness, HealthController, OpenMetricsController } from './health.controller';
import { INCIDENT_REPLY_STATS, IncidentsController } from './incidents.controller';
import { IncidentsGateway } from './incidents.gateway';
import { createMentionDeliveryConsumer } from './mention-delivery.consumer';
import { MentionsGateway } from './mentions.gateway';
import { PlanController } from './plan.controller';
import { createReplyEventsConsumer } from './reply-events.consumer';
import { ReplyQueueController } from './reply-queue.controller';
import { ReplyQueueGateway } from './reply-queue.gateway';
import { createSpikeSignalsConsumer } from './spike-signals.consumer';

class GatewayLifecycle implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly mentions: BatchConsumerRunner<EnrichedMention>;
  private readonly signals: BatchConsumerRunner<AlertSignal>;
  private readonly alertEvents: BatchConsumerRunner<SocketMessage>;
  private readonly replyEvents: BatchConsumerRunner<ReplyQueueEvent>;
  private readonly logger = new Logger('gateway');
  private starting: Promise<void> = Promise.resolve();

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly publisher: RecordPublisher,
    private readonly plan: PlanSource,
    readiness: ConsumerReadiness,
    keys: RedisKeys,
    recent: RecentMentionsStore,
    recentSignals: RecentSignalsStore,
    volumeHistory: VolumeHistoryStore,
    mentionsGateway: MentionsGateway,
    alertsGateway: AlertsGateway,
    replyQueueGateway: ReplyQueueGateway,
    metrics: TocsinMetrics,
  ) {
    const wiring = monitoredWiring({ kafka, publisher, topicPrefix: config.kafka.topicPrefix, redis, metrics });
    const common = { groupId: config.groupId, clock: systemClock, liveMaxAgeMs: config.liveMaxAgeMs };
    this.mentions = createMentionDeliveryConsumer(wiring, {
      ...common,
      recent,
      gateway: mentionsGateway,
      partitionsConcurrently: config.wallPartitionsConcurrently,
    });
    this.signals = createSpikeSignalsConsumer(wiring, {
      ...common,
      recentSignals,
      volumeHistory,
      gateway: mentionsGateway,
    });
    this.alertEvents = createAlertEventsConsumer(wiring, {
      ...common,
      gateway: alertsGateway,
      delivered: new DeliveredKeysStore(redis, keys, 'delivered-alert-events'),
    });
    this.replyEvents = createReplyEventsConsumer(wiring, { ...common, gateway: replyQueueGateway });
    readiness.watch([this.mentions, this.signals, this.alertEvents, this.replyEvents]);
  }

  async onModuleInit(): Promise<void> {
    await this.plan.start({ watch: true });
    await ensureTocsinTopics(this.kafka, this.config.kafka, TOPICS, new Logger('kafka'));
    await this.publisher.connect();
  }

  /**
   * The consumers join their groups in the background: sockets, pages and commands are served
   * from the moment the port listens, while a join may wait for a dead member's session to
   * end. /health says when every consumer has joined.
   */
  onApplicationBootstrap(): void {
    this.starting = Promise.all([
      this.mentions.start(),
      this.signals.start(),
      this.alertEvents.start(),
      this.replyEvents.start(),
    ]).then(
      () => undefined,
      (error: unknown) => {
        this.logger.error(`a consumer failed to start: ${error instanceof Error ? error.message : String(error)}`);
        stopProcessOnFatal();
      },
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.starting;
    await Promise.all([this.mentions.stop(), this.signals.stop(), this.alertEvents.stop(), this.replyEvents.stop()]);
  }

  async onApplicationShutdown(): Promise<void> {
    this.plan.stop();
    await this.publisher.disconnect();
    await this.redis.quit();
    this.logger.log('gateway stopped cleanly: sockets closed, last batches committed');
  }
}

@Module({})
export class GatewayModule {
  static forConfig(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [
        PlanController,
        AlertsController,
        HealthController,
        IncidentsController,
        ReplyQueueController,
        OpenMetricsController,
        SessionController,
        OidcController,
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        ...metricsProviders('gateway'),
        ...kafkaProviders(config.kafka),
        ...redisProviders(config.redis, 'tocsin-gateway'),
        planSourceProvider(config.planFile),
        ConsumerReadiness,
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
          provide: VolumeHistoryStore,
          useFactory: (redis: Redis, keys: RedisKeys) => new VolumeHistoryStore(redis, keys),
          inject: [REDIS_CLIENT, RedisKeys],
        },
        {
          provide: OutboxStore,
          useFactory: (redis: Redis, keys: RedisKeys) => new OutboxStore(redis, keys),
          inject: [REDIS_CLIENT, RedisKeys],
        },
        {
          provide: AlertStore,
          useFactory: (redis: Redis, keys: RedisKeys, outbox: OutboxStore) =>
            new AlertStore(redis, keys, outbox, config.redis.confirmation),
          inject: [REDIS_CLIENT, RedisKeys, OutboxStore],
        },
        {
          provide: SilenceStore,
          useFactory: (redis: Redis, keys: RedisKeys) => new SilenceStore(redis, keys),
          inject: [REDIS_CLIENT, RedisKeys],
        },
        {
          provide: AlertActions,
          // Acknowledging and resolving page nobody: the gateway's actions add no webhooks,
          // only the console events the alerter's relay delivers.
          useFactory: (alerts: AlertStore, silences: SilenceStore, plan: PlanSource) =>
            new AlertActions(
              alerts,
              silences,
              plan,
              systemClock,
              { consoleUrl: `${config.publicUrl}/console.html` },
              new Logger('alerts'),
            ),
          inject: [AlertStore, SilenceStore, PlanSource],
        },
        // Crisis reports read reply times from the brands' reply queues.
        { provide: INCIDENT_REPLY_STATS, useExisting: ReplyQueueActions },
        {
          provide: ReplyQueueActions,
          useFactory: (redis: Redis, keys: RedisKeys, plan: PlanSource) =>
            new ReplyQueueActions(new ReplyQueueStore(redis, keys), plan, config.liveMaxAgeMs),
          inject: [REDIS_CLIENT, RedisKeys, PlanSource],
        },
        {
          provide: UserStore,
          useFactory: (redis: Redis, keys: RedisKeys) => new UserStore(redis, keys),
          inject: [REDIS_CLIENT, RedisKeys],
        },
        {
          provide: SessionGate,
          useFactory: (redis: Redis, keys: RedisKeys, users: UserStore) =>
            new SessionGate(redis, keys, users, config.session, systemClock),
          inject: [REDIS_CLIENT, RedisKeys, UserStore],
        },
        {
          provide: SignInService,
          useFactory: (redis: Redis, keys: RedisKeys, users: UserStore) =>
            new SignInService(redis, keys, users, config.login),
          inject: [REDIS_CLIENT, RedisKeys, UserStore],
        },
        // Every HTTP route is closed unless it carries an access rule (auth/access.guard.ts).
        { provide: APP_GUARD, useClass: AccessGuard },
        MentionsGateway,
        AlertsGateway,
        IncidentsGateway,
        ReplyQueueGateway,
        GatewayLifecycle,
      ],
    };
  }
}

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
import { AlertActions } from '@tocsin/alert-actions';
import type { AlertSignal } from '@tocsin/crisis-plan';
import { systemClock, TOPICS } from '@tocsin/domain';
import {
  ensureTocsinTopics,
  HealthServer,
  isKafkaReady,
  KAFKA_CLIENT,
  kafkaProviders,
  RecordPublisher,
  stopProcessOnFatal,
  type BatchConsumerRunner,
} from '@tocsin/kafka';
import { metricsProviders, TocsinMetrics } from '@tocsin/observability';
import { PlanSource, planSourceProvider } from '@tocsin/plan-source';
import {
  AlertStore,
  isRedisReady,
  OutboxStore,
  REDIS_CLIENT,
  redisProviders,
  RedisKeys,
  SilenceStore,
} from '@tocsin/redis';
import type Redis from 'ioredis';
import type { Kafka } from 'kafkajs';
import { createAlertHitsConsumer } from './alert-hits.consumer';
import { ALERTER_CONFIG, type AlerterConfig } from './config';
import { OutboxRelay } from './outbox.relay';

/** A loop of `work` every `everyMs` whose runs never overlap; a failed run is logged and retried next time. */
class PollingLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly name: string,
    private readonly everyMs: number,
    private readonly work: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running = this.running.then(async () => {
        try {
          await this.work();
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          this.logger.error(`${this.name} failed, retried in ${this.everyMs} ms: ${message}`);
        }
      });
    }, this.everyMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}

class AlerterLifecycle implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly hits: BatchConsumerRunner<AlertSignal>;
  private readonly relay: OutboxRelay;
  private readonly timers: PollingLoop;
  private readonly relaying: PollingLoop;
  private readonly health: HealthServer;

  constructor(
    @Inject(ALERTER_CONFIG) private readonly config: AlerterConfig,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly publisher: RecordPublisher,
    private readonly plan: PlanSource,
    actions: AlertActions,
    outbox: OutboxStore,
    metrics: TocsinMetrics,
  ) {
    this.health = new HealthServer(
      'alerter',
      { kafka: () => isKafkaReady(kafka), redis: () => isRedisReady(redis) },
      metrics,
    );
    // ioredis reconnects by itself; each failure is counted so a dashboard shows the outage.
    redis.on('error', () => metrics.countError('redis', 'connection'));
    const wiring = {
      kafka,
      publisher,
      topicPrefix: config.kafka.topicPrefix,
      onFatal: stopProcessOnFatal,
      telemetry: metrics.kafka,
    };
    this.hits = createAlertHitsConsumer(wiring, { actions, plan: () => plan.current(), groupId: config.groupId });
    const eventsTopic = `${config.kafka.topicPrefix}${TOPICS.alertsEvents}`;
    this.relay = new OutboxRelay(outbox, publisher, eventsTopic, systemClock, new Logger('relay'), metrics.alerting);
    // Two loops: escalation timing never waits on the relay, nor the relay on a webhook.
    const logger = new Logger('alerter');
    this.timers = new PollingLoop('escalations', config.escalationPollMs, () => actions.runDue(), logger);
    this.relaying = new PollingLoop('outbox relay', config.relayPollMs, () => this.relay.relayDue(), logger);
  }

  async onModuleInit(): Promise<void> {
    await this.plan.start({ watch: true });
    await ensureTocsinTopics(this.kafka, this.config.kafka, TOPICS, new Logger('kafka'));
    await this.publisher.connect();
    const { host, port } = this.config.health;
    const listening = await this.health.listen(host, port);
    new Logger('alerter').log(`health on http://${host}:${listening}/health`);
  }

  /** Timers and relay run from the start: they need Redis, not the consumer group. */
  async onApplicationBootstrap(): Promise<void> {
    this.timers.start();
    this.relaying.start();
    await this.hits.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.health.close();
    await this.hits.stop();
    await Promise.all([this.timers.stop(), this.relaying.stop()]);
    await this.relay.drain();
  }

  async onApplicationShutdown(): Promise<void> {
    this.plan.stop();
    await this.publisher.disconnect();
    await this.redis.quit();
    new Logger('alerter').log('alerter stopped cleanly: last batches committed, webhooks in flight finished');
  }
}

@Module({})
export class AlerterModule {
  static forConfig(config: AlerterConfig): DynamicModule {
    return {
      module: AlerterModule,
      providers: [
        { provide: ALERTER_CONFIG, useValue: config },
        ...metricsProviders('alerter'),
        ...kafkaProviders(config.kafka),
        ...redisProviders(config.redis, 'tocsin-alerter'),
        planSourceProvider(config.planFile),
        {
          provide: OutboxStore,
          useFactory: (redis: Redis, keys: RedisKeys) => new OutboxStore(redis, keys),
          inject: [REDIS_CLIENT, RedisKeys],
        },
        {
          provide: AlertActions,
          useFactory: (redis: Redis, keys: RedisKeys, outbox: OutboxStore, plan: PlanSource) =>
            new AlertActions(
              new AlertStore(redis, keys, outbox, config.redis.confirmation),
              new SilenceStore(redis, keys),
              plan,
              systemClock,
              {
                consoleUrl: `${config.publicUrl}/console.html`,
                slackWebhookUrl: config.slackWebhookUrl,
                alertWebhookUrl: config.alertWebhookUrl,
              },
              new Logger('alerts'),
            ),
          inject: [REDIS_CLIENT, RedisKeys, OutboxStore, PlanSource],
        },
        AlerterLifecycle,
      ],
    };
  }
}

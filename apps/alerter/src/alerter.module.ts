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
import { AlertActions, ReplyQueueActions } from '@tocsin/alert-actions';
import type { SocketMessage } from '@tocsin/alerting';
import type { AlertSignal, CrisisPlan } from '@tocsin/crisis-plan';
import { brandRecordKey, systemClock, TOPICS, type EnrichedMention } from '@tocsin/domain';
import {
  ensureTocsinTopics,
  HealthServer,
  isKafkaReady,
  KAFKA_CLIENT,
  kafkaProviders,
  RecordPublisher,
  type BatchConsumerRunner,
} from '@tocsin/kafka';
import { metricsProviders, monitoredWiring, TocsinMetrics } from '@tocsin/observability';
import { PlanSource } from '@tocsin/plan-source';
import {
  AlertStore,
  isRedisReady,
  OutboxStore,
  REDIS_CLIENT,
  redisProviders,
  RedisKeys,
  ReplyQueueStore,
  SilenceStore,
  VolumeHistoryStore,
} from '@tocsin/redis';
import { replyEventRecords } from '@tocsin/reply-queue';
import type Redis from 'ioredis';
import type { Kafka } from 'kafkajs';
import { createAlertHitsConsumer } from './alert-hits.consumer';
import { ALERTER_CONFIG, type AlerterConfig } from './config';
import { OutboxRelay } from './outbox.relay';
import { secretReaderOf, WebhookSigner } from './webhook-signer';
import { createReplyQueueConsumer } from './reply-queue.consumer';
import { createIncidentReportsConsumer } from './incident-reports.consumer';
import { SmtpMailer } from './smtp.mailer';

/** A loop of `work` every `everyMs` whose runs never overlap; a failed run is logged and retried next time. */
class PollingLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  /** A run asked for by `kick` and not started yet: later kicks ride on it. */
  private kicked = false;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly everyMs: number,
    private readonly work: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.runNext(), this.everyMs);
  }

  /** A run as soon as the one in progress ends, for work known to be waiting (without waiting for the tick). */
  kick(): void {
    if (this.kicked || this.stopped) return;
    this.kicked = true;
    this.runNext();
  }

  private runNext(): void {
    this.running = this.running.then(async () => {
      this.kicked = false;
      try {
        await this.work();
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.logger.error(`${this.name} failed, retried in ${this.everyMs} ms: ${message}`);
      }
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }
}

class AlerterLifecycle implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly hits: BatchConsumerRunner<AlertSignal>;
  private readonly replies: BatchConsumerRunner<EnrichedMention>;
  /** The crisis report by e-mail when an incident resolves: only with SMTP set up. */
  private readonly reports: BatchConsumerRunner<SocketMessage> | undefined;
  private readonly overdue: PollingLoop;
  private readonly relay: OutboxRelay;
  private readonly mailer: SmtpMailer | undefined;
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
    signer: WebhookSigner,
    replyQueue: ReplyQueueActions,
    metrics: TocsinMetrics,
    keys: RedisKeys,
  ) {
    this.health = new HealthServer(
      'alerter',
      { kafka: () => isKafkaReady(kafka), redis: () => isRedisReady(redis) },
      metrics,
    );
    const wiring = monitoredWiring({ kafka, publisher, topicPrefix: config.kafka.topicPrefix, redis, metrics });
    this.hits = createAlertHitsConsumer(wiring, {
      actions,
      plan: () => plan.current(),
      groupId: config.groupId,
      // A hit's pages are in the outbox now: the relay sends them at once rather than at its next tick.
      onApplied: () => this.relaying.kick(),
    });
    this.replies = createReplyQueueConsumer(wiring, {
      actions: replyQueue,
      groupId: config.groupId,
      clock: systemClock,
    });
    this.reports = config.smtp
      ? createIncidentReportsConsumer(wiring, {
          alerts: new AlertStore(redis, keys, outbox, config.redis.confirmation),
          outbox,
          volumeHistory: new VolumeHistoryStore(redis, keys),
          replies: replyQueue,
          plan: () => plan.current().plan,
          groupId: config.groupId,
          clock: systemClock,
          liveMaxAgeMs: config.liveMaxAgeMs,
          publicUrl: config.publicUrl,
        })
      : undefined;
    const eventsTopic = `${config.kafka.topicPrefix}${TOPICS.alertsEvents}`;
    this.mailer = config.smtp ? new SmtpMailer(config.smtp) : undefined;
    this.relay = new OutboxRelay(
      outbox,
      publisher,
      eventsTopic,
      systemClock,
      new Logger('relay'),
      signer,
      this.mailer,
      metrics.alerting,
    );
    // Two loops: escalation timing never waits on the relay, nor the relay on a webhook.
    const logger = new Logger('alerter');
    this.timers = new PollingLoop('escalations', config.escalationPollMs, () => actions.runDue(), logger);
    this.relaying = new PollingLoop('outbox relay', config.relayPollMs, () => this.relay.relayDue(), logger);
    // Overdue replies become hits on alerts.signals, so the hits consumer folds them like any other.
    const signalsTopic = `${config.kafka.topicPrefix}${TOPICS.alertsSignals}`;
    const repliesTopic = `${config.kafka.topicPrefix}${TOPICS.repliesEvents}`;
    this.overdue = new PollingLoop(
      'reply deadlines',
      config.escalationPollMs,
      () =>
        replyQueue.raiseOverdue(systemClock.now(), async (hits, events) => {
          const signals = hits.map((hit) => ({ key: brandRecordKey(hit.brandId), value: JSON.stringify(hit) }));
          if (signals.length > 0) await publisher.publish(signalsTopic, signals);
          await publisher.publish(repliesTopic, replyEventRecords(events));
        }),
      logger,
    );
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
    this.overdue.start();
    await Promise.all([this.hits.start(), this.replies.start(), this.reports?.start()]);
  }

  async onModuleDestroy(): Promise<void> {
    await this.health.close();
    await Promise.all([this.hits.stop(), this.replies.stop(), this.reports?.stop()]);
    await Promise.all([this.timers.stop(), this.relaying.stop(), this.overdue.stop()]);
    await this.relay.drain();
    this.mailer?.close();
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
    // The plan is put in force only once its webhooks' URLs and secrets check out.
    const signer: WebhookSigner = new WebhookSigner(
      config,
      config.deployment,
      secretReaderOf(config),
      (): CrisisPlan => planSource.current().plan,
      systemClock,
      new Logger('webhooks'),
    );
    const planSource: PlanSource = new PlanSource(config.planFile, new Logger('plan'), (plan) => signer.check(plan));
    return {
      module: AlerterModule,
      providers: [
        { provide: ALERTER_CONFIG, useValue: config },
        ...metricsProviders('alerter'),
        ...kafkaProviders(config.kafka),
        ...redisProviders(config.redis, 'tocsin-alerter'),
        { provide: PlanSource, useValue: planSource },
        { provide: WebhookSigner, useValue: signer },
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
                email: config.smtp !== undefined,
              },
              new Logger('alerts'),
            ),
          inject: [REDIS_CLIENT, RedisKeys, OutboxStore, PlanSource],
        },
        {
          provide: ReplyQueueActions,
          useFactory: (redis: Redis, keys: RedisKeys, plan: PlanSource) =>
            new ReplyQueueActions(new ReplyQueueStore(redis, keys), plan, config.liveMaxAgeMs),
          inject: [REDIS_CLIENT, RedisKeys, PlanSource],
        },
        AlerterLifecycle,
      ],
    };
  }
}

import {
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { systemClock, TOPICS, type EnrichedMention, type Mention, type WindowTally } from '@tocsin/domain';
import {
  ensureTocsinTopics,
  HealthServer,
  isKafkaReady,
  KAFKA_CLIENT,
  kafkaProviders,
  RecordPublisher,
  type BatchConsumerRunner,
} from '@tocsin/kafka';
import { loggingImports, metricsProviders, monitoredWiring, TocsinMetrics } from '@tocsin/observability';
import { PlanSource, planSourceProvider } from '@tocsin/plan-source';
import { prepareSentiment } from '@tocsin/sentiment';
import {
  DedupeWindowStore,
  isRedisReady,
  PartitionCheckpointStore,
  REDIS_CLIENT,
  redisProviders,
  RedisKeys,
} from '@tocsin/redis';
import type Redis from 'ioredis';
import type { Kafka } from 'kafkajs';
import { PIPELINE_CONFIG, type PipelineConfig } from './config';
import { createEnrichmentConsumer, type EnrichmentCheckpoint } from './enrichment.consumer';
import { createMentionTriggersConsumer, type MentionTriggersCheckpoint } from './mention-triggers.consumer';
import { PIPELINE_CLOCK_MARGIN_MS, createSignalsConsumer, type SignalsCheckpoint } from './signals.consumer';
import { SourceProgressReporter } from './source-progress.reporter';

/**
 * How often idle partitions of mentions.raw are reported caught up: the windows of a brand wait
 * for every partition, so this is how long an interval can wait on a partition with no traffic.
 */
const SOURCE_PROGRESS_EVERY_MS = 1_000;

class PipelineLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly enrichment: BatchConsumerRunner<Mention>;
  private readonly signals: BatchConsumerRunner<WindowTally>;
  private readonly mentionTriggers: BatchConsumerRunner<EnrichedMention>;
  private readonly progress: SourceProgressReporter;
  private readonly health: HealthServer;

  constructor(
    @Inject(PIPELINE_CONFIG) private readonly config: PipelineConfig,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly publisher: RecordPublisher,
    private readonly plan: PlanSource,
    keys: RedisKeys,
    metrics: TocsinMetrics,
  ) {
    this.health = new HealthServer(
      'pipeline',
      { kafka: () => isKafkaReady(kafka), redis: () => isRedisReady(redis) },
      metrics,
    );
    const wiring = monitoredWiring({ kafka, publisher, topicPrefix: config.kafka.topicPrefix, redis, metrics });
    const enrichmentCheckpoints = new PartitionCheckpointStore<EnrichmentCheckpoint>(
      redis,
      keys,
      `${config.groupId}-enrichment`,
    );
    this.progress = new SourceProgressReporter({
      kafka,
      publisher,
      topicPrefix: config.kafka.topicPrefix,
      enrichmentGroupId: `${config.groupId}-enrichment`,
      checkpoints: enrichmentCheckpoints,
      brandIds: () => plan.current().plan.brands.map((brand) => brand.id),
      clock: systemClock,
      everyMs: SOURCE_PROGRESS_EVERY_MS,
      settleMs: PIPELINE_CLOCK_MARGIN_MS + 3 * SOURCE_PROGRESS_EVERY_MS,
      logger: new Logger('source-progress'),
    });
    this.enrichment = createEnrichmentConsumer(wiring, {
      // As long as a mention can still be counted in its interval: a copy later than that is late.
      seen: new DedupeWindowStore(
        redis,
        keys,
        `${config.groupId}-enrichment`,
        config.allowedLatenessMs + config.intervalMs,
      ),
      checkpoints: enrichmentCheckpoints,
      brandMatchers: () => plan.brandMatchers(),
      sourcePartitions: () => this.progress.sourcePartitions(),
      clock: systemClock,
      groupId: config.groupId,
      intervalMs: config.intervalMs,
      maxClockSkewMs: config.maxClockSkewMs,
      partitionsConcurrently: config.partitionsConcurrently,
    });
    this.signals = createSignalsConsumer(wiring, {
      checkpoints: new PartitionCheckpointStore<SignalsCheckpoint>(redis, keys, `${config.groupId}-signals`),
      plan: () => plan.current(),
      settings: {
        intervalMs: config.intervalMs,
        allowedLatenessMs: config.allowedLatenessMs,
        maxIntervalsPerStep: config.maxIntervalsPerBatch,
      },
      groupId: config.groupId,
      clock: systemClock,
      liveMaxAgeMs: config.liveMaxAgeMs,
      maxClockSkewMs: config.maxClockSkewMs,
      partitionsConcurrently: config.partitionsConcurrently,
    });
    this.mentionTriggers = createMentionTriggersConsumer(wiring, {
      checkpoints: new PartitionCheckpointStore<MentionTriggersCheckpoint>(redis, keys, `${config.groupId}-triggers`),
      plan: () => plan.current(),
      groupId: config.groupId,
      clock: systemClock,
      liveMaxAgeMs: config.liveMaxAgeMs,
      maxClockSkewMs: config.maxClockSkewMs,
      partitionsConcurrently: config.partitionsConcurrently,
    });
  }

  async onModuleInit(): Promise<void> {
    // Load the sentiment model now: a model that does not fit this build stops the start, and
    // the first mentions are not slowed down by it.
    prepareSentiment();
    await this.plan.start({ watch: true });
    await ensureTocsinTopics(this.kafka, this.config.kafka, TOPICS, new Logger('kafka'));
    await this.publisher.connect();
    // Listening before the group joins: after a crash the join waits for the dead member's
    // session to expire, and a supervisor must see the new process up meanwhile.
    const { host, port } = this.config.health;
    const listening = await this.health.listen(host, port);
    new Logger('pipeline').log(`health on http://${host}:${listening}/health`);
    // The partition count of mentions.raw is known before the first tally is written.
    await this.progress.start();
    await this.enrichment.start();
    await this.signals.start();
    await this.mentionTriggers.start();
  }

  /** Consumers stop fetching and commit the batch in hand before the producer goes away. */
  async onApplicationShutdown(): Promise<void> {
    await this.health.close();
    await this.progress.stop();
    await Promise.all([this.enrichment.stop(), this.signals.stop(), this.mentionTriggers.stop()]);
    this.plan.stop();
    await this.publisher.disconnect();
    await this.redis.quit();
    new Logger('pipeline').log('pipeline stopped cleanly: last batches committed, consumer groups left');
  }
}

@Module({})
export class PipelineModule {
  static forConfig(config: PipelineConfig): DynamicModule {
    return {
      module: PipelineModule,
      imports: loggingImports(config.logFormat, config.logLevels),
      providers: [
        { provide: PIPELINE_CONFIG, useValue: config },
        ...metricsProviders('pipeline'),
        ...kafkaProviders(config.kafka),
        ...redisProviders(config.redis, 'tocsin-pipeline'),
        planSourceProvider(config.planFile),
        PipelineLifecycle,
      ],
    };
  }
}

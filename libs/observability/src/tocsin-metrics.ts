import type { BatchObservation, KafkaTelemetry } from '@tocsin/kafka';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Seconds; from a few ms (a batch in a quiet pipeline) to a minute (a backlog). */
const LATENCY_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * An app's Prometheus metrics: Node's defaults (CPU, memory, event-loop lag, GC) and Tocsin's
 * own (records in and out per topic, consumer lag per partition, batch duration, record age,
 * dead letters, errors). One registry per app, labelled with the app's name, served as text by
 * the app's `GET /metrics`. Every name starts with `tocsin_` so a dashboard finds them together.
 */
export class TocsinMetrics {
  readonly registry = new Registry();
  private readonly recordsIn: Counter<'group' | 'topic'>;
  private readonly recordsOut: Counter<'topic'>;
  private readonly consumerLag: Gauge<'group' | 'topic' | 'partition'>;
  private readonly batchDuration: Histogram<'group'>;
  private readonly recordAge: Histogram<'group'>;
  private readonly deadLetters: Counter<'topic'>;
  private readonly errors: Counter<'component' | 'operation'>;
  readonly ingestMentions: Counter<'outcome'>;
  readonly ingestPublishDuration: Histogram;
  private readonly alertEvents: Counter<'event'>;
  private readonly pages: Counter<'outcome'>;
  private readonly webhookDuration: Histogram<'outcome'>;

  constructor(app: string) {
    this.registry.setDefaultLabels({ app });
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 20 });
    const registers = [this.registry];
    this.recordsIn = new Counter({
      name: 'tocsin_records_consumed_total',
      help: 'Records handled by a consumer group, per topic',
      labelNames: ['group', 'topic'],
      registers,
    });
    this.recordsOut = new Counter({
      name: 'tocsin_records_produced_total',
      help: 'Records acknowledged by Kafka, per topic',
      labelNames: ['topic'],
      registers,
    });
    this.consumerLag = new Gauge({
      name: 'tocsin_consumer_lag_records',
      help: 'Records of a partition behind the last batch handled (high watermark - last offset - 1)',
      labelNames: ['group', 'topic', 'partition'],
      registers,
    });
    this.batchDuration = new Histogram({
      name: 'tocsin_batch_duration_seconds',
      help: 'Time to handle one partition batch, commit included',
      labelNames: ['group'],
      buckets: LATENCY_BUCKETS_S,
      registers,
    });
    this.recordAge = new Histogram({
      name: 'tocsin_record_age_seconds',
      help: 'Time from a record appended to Kafka to its handling by a consumer group',
      labelNames: ['group'],
      buckets: LATENCY_BUCKETS_S,
      registers,
    });
    this.deadLetters = new Counter({
      name: 'tocsin_dead_letters_total',
      help: 'Records sent to mentions.dlq, per source topic',
      labelNames: ['topic'],
      registers,
    });
    this.errors = new Counter({
      name: 'tocsin_errors_total',
      help: 'Recoverable failures (Kafka or Redis unavailable, a batch to retry), per component',
      labelNames: ['component', 'operation'],
      registers,
    });
    this.ingestMentions = new Counter({
      name: 'tocsin_ingest_mentions_total',
      help: 'Mentions received by ingest: accepted (acknowledged by Kafka), rejected (item errors) or failed (Kafka did not acknowledge)',
      labelNames: ['outcome'],
      registers,
    });
    this.ingestPublishDuration = new Histogram({
      name: 'tocsin_ingest_publish_duration_seconds',
      help: 'Time from a request parsed to Kafka acknowledging its mentions',
      buckets: LATENCY_BUCKETS_S,
      registers,
    });
    this.alertEvents = new Counter({
      name: 'tocsin_alert_events_total',
      help: 'Alert changes relayed to consoles, per event (alert.opened, alert.escalated, alert.acknowledged, alert.resolved, alert.updated)',
      labelNames: ['event'],
      registers,
    });
    this.pages = new Counter({
      name: 'tocsin_pages_total',
      help: 'Webhook page attempts: delivered, retrying (a recoverable failure) or failed (given up)',
      labelNames: ['outcome'],
      registers,
    });
    this.webhookDuration = new Histogram({
      name: 'tocsin_webhook_duration_seconds',
      help: 'Time of one webhook POST, per outcome',
      labelNames: ['outcome'],
      buckets: LATENCY_BUCKETS_S,
      registers,
    });
  }

  /** The alerter's relay reports: what consoles were told and what became of each page. */
  readonly alerting = {
    alertEvent: (event: string): void => void this.alertEvents.inc({ event }),
    page: (outcome: 'delivered' | 'retrying' | 'failed', durationMs: number): void => {
      this.pages.inc({ outcome });
      this.webhookDuration.observe({ outcome }, durationMs / 1000);
    },
  };

  /** The Kafka adapters' reports, turned into the metrics above. */
  readonly kafka: KafkaTelemetry = {
    recordsProduced: (topic, count) => this.recordsOut.inc({ topic }, count),
    batchHandled: (batch: BatchObservation) => {
      const { groupId: group, topic, partition } = batch;
      this.recordsIn.inc({ group, topic }, batch.records);
      this.consumerLag.set({ group, topic, partition: String(partition) }, batch.lag);
      this.batchDuration.observe({ group }, batch.durationMs / 1000);
      for (const ageMs of batch.recordAgesMs) this.recordAge.observe({ group }, Math.max(0, ageMs) / 1000);
    },
    deadLettered: (topic, count) => this.deadLetters.inc({ topic }, count),
    batchFailed: (group) => this.errors.inc({ component: 'consumer', operation: group }),
  };

  /** A failure of a client the app keeps (Redis, Kafka) that did not stop it. */
  countError(component: 'redis' | 'kafka', operation: string): void {
    this.errors.inc({ component, operation });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

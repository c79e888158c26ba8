/** One partition batch handled by a consumer, as monitoring sees it. */
export interface BatchObservation {
  groupId: string;
  topic: string;
  partition: number;
  records: number;
  /** Records of the partition behind this batch's last one (high watermark − last offset − 1). */
  lag: number;
  durationMs: number;
  /** Time from each record's append to its handling, ms. */
  recordAgesMs: readonly number[];
}

/**
 * What the Kafka adapters report for monitoring. Declared here, implemented by an app's metrics
 * (see @tocsin/observability), so this lib depends on no metrics library.
 */
export interface KafkaTelemetry {
  recordsProduced(topic: string, count: number): void;
  batchHandled(batch: BatchObservation): void;
  deadLettered(topic: string, count: number): void;
  /** A batch whose handling threw (a recoverable failure: Kafka or Redis unavailable). */
  batchFailed(groupId: string, topic: string): void;
}

export const KAFKA_TELEMETRY = Symbol('KafkaTelemetry');

/** For apps and tests that export no metrics. */
export const noKafkaTelemetry: KafkaTelemetry = {
  recordsProduced: () => undefined,
  batchHandled: () => undefined,
  deadLettered: () => undefined,
  batchFailed: () => undefined,
};

import { RECORD_FORMAT_HEADER } from '@tocsin/domain';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { KafkaLogger } from './kafka.factory';
import { noKafkaTelemetry, type KafkaTelemetry } from './kafka.telemetry';
import type { PartitionTransactions } from './partition-transactions';
import type { RecordPublisher } from './record.publisher';
import { toProduceRequest, type OutgoingRecord } from './send-coalescer';

export interface SourceRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  timestampMs: number;
  /** The record's format header (see RECORD_FORMAT_HEADER), if its writer set one. */
  format: string | null;
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface DecodedItem<T> {
  record: SourceRecord;
  value: T;
}

/** Where a handler writes the records it derives from a batch. */
export interface BatchOutput {
  publish(topic: string, records: readonly OutgoingRecord[]): Promise<void>;
}

export interface PartitionBatch<T> {
  topic: string;
  partition: number;
  /** Offset of the last record of the batch; state checkpoints refer to it. */
  lastOffset: string;
  items: ReadonlyArray<DecodedItem<T>>;
  /**
   * The consumer's output: straight to Kafka (resolves once acknowledged), or, when the
   * consumer is transactional, into the batch's transaction, committed with its offset once
   * the handler has returned.
   */
  output: BatchOutput;
  /** Runs `effect` once the batch is committed; a failure of it is logged, the batch stays committed. */
  afterCommit(effect: () => Promise<void>): void;
}

export interface Rejection {
  record: SourceRecord;
  reason: string;
}

export interface BatchConsumerOptions<T> {
  kafka: Kafka;
  publisher: RecordPublisher;
  logger: KafkaLogger & { log(message: string): void };
  groupId: string;
  topic: string;
  dlqTopic: string;
  fromBeginning?: boolean;
  /**
   * Partitions whose batches are handled at the same time (default 1). Each partition's batches
   * stay in order; handlers of different partitions then overlap their Kafka and Redis round
   * trips, which is where a consumer spends its time.
   */
  partitionsConsumedConcurrently?: number;
  /** Parses and validates one record; a failure is permanent and sends it to the DLQ. */
  decode(record: SourceRecord): Decoded<T>;
  /**
   * Processes the valid records of one partition batch and makes its outputs durable.
   * Throwing means "recoverable" (broker or Redis down): nothing is committed and the batch
   * is retried. Returned rejections are permanent and go to the DLQ.
   */
  handle(batch: PartitionBatch<T>): Promise<readonly Rejection[] | void>;
  /**
   * Called when kafkajs gives the consumer up for good (an error it does not retry): the
   * process would otherwise stay up without consuming. Apps stop, so a supervisor restarts them.
   */
  onFatal?(error: Error): void;
  /** Fresh consumers started after kafkajs gave one up, before `onFatal`; see startAgainOrGiveUp. */
  restarts?: { max: number; backoffMs: number };
  /** Where batches, lag and dead letters are reported; nowhere by default. */
  telemetry?: KafkaTelemetry;
  /**
   * Given, a batch's output records, dead letters and offset are committed in one Kafka
   * transaction: exactly once for read_committed readers (every Tocsin consumer is one).
   */
  transactions?: PartitionTransactions;
}

/** Five fresh consumers 2 s, 4 s … 10 s apart: 30 s in all, longer than a broker restart takes. */
const DEFAULT_RESTARTS = { max: 5, backoffMs: 2_000 };

/** How long a silent consumer keeps its partitions; see createConsumer. */
const GROUP_SESSION_TIMEOUT_MS = 6_000;

export const DLQ_HEADERS = {
  reason: 'tocsin-dlq-reason',
  sourceTopic: 'tocsin-source-topic',
  sourcePartition: 'tocsin-source-partition',
  sourceOffset: 'tocsin-source-offset',
} as const;

function toSourceRecord(topic: string, partition: number, message: KafkaMessage): SourceRecord {
  const format = message.headers?.[RECORD_FORMAT_HEADER];
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ? message.key.toString('utf8') : null,
    value: message.value,
    timestampMs: Number(message.timestamp),
    format: format === undefined || Array.isArray(format) ? null : format.toString(),
  };
}

/** The original bytes, untouched, with where they came from and why they were refused. */
export function toDeadLetter(rejection: Rejection): OutgoingRecord {
  const { record, reason } = rejection;
  return {
    key: record.key ?? `${record.topic}:${record.partition}:${record.offset}`,
    value: record.value ?? Buffer.alloc(0),
    headers: {
      [DLQ_HEADERS.reason]: reason,
      [DLQ_HEADERS.sourceTopic]: record.topic,
      [DLQ_HEADERS.sourcePartition]: String(record.partition),
      [DLQ_HEADERS.sourceOffset]: record.offset,
    },
  };
}

/**
 * Runs a kafkajs consumer in batches with manual commits: offsets are committed only after
 * the handler's outputs and the dead letters are acknowledged, so a crash replays rather
 * than loses. Bad data never throws out of `eachBatch` (kafkajs would redeliver it forever).
 */
export class BatchConsumerRunner<T> {
  private consumer: Consumer;
  private stopping = false;
  private joined = false;
  private restartsInARow = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly commits = new Map<string, Promise<void>>();

  constructor(private readonly options: BatchConsumerOptions<T>) {
    this.consumer = this.createConsumer();
  }

  private createConsumer(): Consumer {
    return this.options.kafka.consumer({
      groupId: this.options.groupId,
      allowAutoTopicCreation: false,
      // A member that stops heartbeating (kill -9) is dropped after 6 s, the broker's smallest
      // allowed session, and its partitions move at the rebalance that follows: failover in
      // seconds rather than the default 30 s. Batches are short, so live members keep up.
      sessionTimeout: GROUP_SESSION_TIMEOUT_MS,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 100,
    });
  }

  async start(): Promise<void> {
    const { consumer, options } = this;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      this.joined = true;
      const assigned = JSON.stringify(event.payload.memberAssignment);
      options.logger.log(`consumer ${options.groupId} joined, partitions ${assigned}`);
    });
    // A batch of transaction markers or aborted records only is never handed to eachBatch; its
    // offset is committed here, or the group would stay behind the topic's end for good.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (payload.batchSize > 0 || consumer !== this.consumer) return;
      const next = (BigInt(payload.lastOffset) + 1n).toString();
      this.commit(payload.topic, payload.partition, next, []).catch((error: unknown) =>
        options.logger.warn(
          `consumer ${options.groupId} could not commit past ${payload.topic}[${payload.partition}]@${payload.lastOffset}: ${String(error)}`,
        ),
      );
    });
    consumer.on(consumer.events.CRASH, (event) => {
      if (event.payload.restart || this.stopping || consumer !== this.consumer) return;
      this.startAgainOrGiveUp(event.payload.error);
    });
    await consumer.connect();
    await consumer.subscribe({ topic: options.topic, fromBeginning: options.fromBeginning ?? true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.processBatch(payload),
    });
  }

  /**
   * kafkajs gives a consumer up on errors it calls permanent, among them the ones a broker
   * restart causes ("Failed to find group coordinator", "The coordinator is not aware of this
   * member"). A fresh consumer is started a few times, further apart each time, which rides
   * through a restart of the broker; only when that keeps failing is the app stopped.
   */
  private startAgainOrGiveUp(error: Error): void {
    const { options } = this;
    const restarts = options.restarts ?? DEFAULT_RESTARTS;
    if (this.restartsInARow >= restarts.max) {
      options.logger.error(`consumer ${options.groupId} stopped for good on ${options.topic}: ${error.message}`);
      options.onFatal?.(error);
      return;
    }
    this.restartsInARow += 1;
    const delayMs = restarts.backoffMs * this.restartsInARow;
    options.logger.warn(
      `consumer ${options.groupId} stopped on ${options.topic}: ${error.message}; ` +
        `starting it again in ${delayMs} ms (${this.restartsInARow} of ${restarts.max})`,
    );
    this.restartTimer = setTimeout(() => {
      if (this.stopping) return;
      this.consumer = this.createConsumer();
      this.start().catch((failure: unknown) =>
        this.startAgainOrGiveUp(failure instanceof Error ? failure : new Error(String(failure))),
      );
    }, delayMs);
  }

  /** True once the consumer has joined its group at least once (it has partitions or knows it has none). */
  hasJoined(): boolean {
    return this.joined;
  }

  private async processBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0 || !payload.isRunning() || payload.isStale()) return;
    const telemetry = this.options.telemetry ?? noKafkaTelemetry;
    const startedMs = Date.now();
    try {
      await this.handleBatch(payload);
    } catch (error) {
      telemetry.batchFailed(this.options.groupId, batch.topic);
      throw error;
    }
    telemetry.batchHandled({
      groupId: this.options.groupId,
      topic: batch.topic,
      partition: batch.partition,
      records: batch.messages.length,
      lag: Number(batch.offsetLag()),
      durationMs: Date.now() - startedMs,
      recordAgesMs: batch.messages.map((message) => startedMs - Number(message.timestamp)),
    });
  }

  private async handleBatch({ batch, resolveOffset, heartbeat }: EachBatchPayload): Promise<void> {
    const { options } = this;
    const transactional: Array<{ topic: string; record: OutgoingRecord }> = [];
    const output: BatchOutput = options.transactions
      ? {
          publish: async (topic, records) => {
            for (const record of records) transactional.push({ topic, record });
          },
        }
      : options.publisher;
    const effects: Array<() => Promise<void>> = [];
    const rejections: Rejection[] = [];
    const items: Array<DecodedItem<T>> = [];
    const lastOffset = batch.lastOffset();
    let messages = batch.messages;
    const committed = await options.transactions?.committedOffset(options.groupId, batch.topic, batch.partition);
    if (committed !== undefined) {
      messages = messages.filter((message) => BigInt(message.offset) >= committed);
      if (messages.length === 0) {
        resolveOffset(lastOffset);
        await heartbeat();
        return;
      }
    }
    for (const message of messages) {
      const record = toSourceRecord(batch.topic, batch.partition, message);
      const decoded = options.decode(record);
      if (decoded.ok) items.push({ record, value: decoded.value });
      else rejections.push({ record, reason: decoded.reason });
    }
    if (items.length > 0) {
      const refused = await options.handle({
        topic: batch.topic,
        partition: batch.partition,
        lastOffset,
        items,
        output,
        afterCommit: (effect) => effects.push(effect),
      });
      if (refused) rejections.push(...refused);
    }
    if (rejections.length > 0) await output.publish(options.dlqTopic, rejections.map(toDeadLetter));
    await this.commit(batch.topic, batch.partition, (BigInt(lastOffset) + 1n).toString(), transactional);
    resolveOffset(lastOffset);
    if (rejections.length > 0) {
      (options.telemetry ?? noKafkaTelemetry).deadLettered(batch.topic, rejections.length);
      for (const { record, reason } of rejections) {
        options.logger.warn(`dead-lettered ${record.topic}[${record.partition}]@${record.offset}: ${reason}`);
      }
    }
    for (const effect of effects) {
      await effect().catch((error: unknown) =>
        options.logger.warn(`after committing ${batch.topic}[${batch.partition}]@${lastOffset}: ${String(error)}`),
      );
    }
    // A batch went through: the consumer works again, so a later failure gets its restarts anew.
    this.restartsInARow = 0;
    await heartbeat();
  }

  /**
   * Stores `offset` as the group's next one for the partition, with `records` in the same
   * transaction when the consumer is transactional. A partition's commits are made one after
   * the other, so a slow one never lands after a later one and moves the group back.
   */
  private commit(
    topic: string,
    partition: number,
    offset: string,
    records: ReadonlyArray<{ topic: string; record: OutgoingRecord }>,
  ): Promise<void> {
    const { transactions, groupId } = this.options;
    const key = `${topic}:${partition}`;
    const committed = (this.commits.get(key) ?? Promise.resolve())
      .catch(() => undefined)
      .then(() =>
        transactions
          ? transactions.commit(toProduceRequest(records), { groupId, topic, partition, offset })
          : this.consumer.commitOffsets([{ topic, partition, offset }]),
      );
    this.commits.set(key, committed);
    return committed;
  }

  /** Stops fetching, lets the batch in progress finish and commit, then leaves the group. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearTimeout(this.restartTimer);
    await this.consumer.disconnect();
    await this.options.transactions?.disconnect();
  }
}

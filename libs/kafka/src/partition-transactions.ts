import { Partitioners, type Admin, type Kafka, type Producer } from 'kafkajs';
import { AcknowledgedSend } from './acknowledged-send';
import { noKafkaTelemetry, type KafkaTelemetry } from './kafka.telemetry';
import {
  estimateRecordBytes,
  MAX_PUBLISH_REQUEST_BYTES,
  requestLength,
  toProduceRequest,
  type ProduceRequest,
} from './send-coalescer';

/** The consumed position a transaction commits with its records. */
export interface ConsumedOffset {
  groupId: string;
  topic: string;
  partition: number;
  /** The next offset to read, i.e. the last handled one + 1. */
  offset: string;
}

/**
 * Consume-transform-produce in Kafka transactions: a partition batch's output records and the
 * consumer's offset for it are committed together or not at all, so a producer that fails
 * half-way (a node lost while its leaders move, kafkajs resending after OUT_OF_ORDER_SEQUENCE)
 * leaves nothing a read_committed consumer sees, and the batch is simply handled again.
 *
 * One transactional producer per consumed partition, its id derived from the group, topic and
 * partition: whoever owns the partition next starts a producer of the same id, which fences a
 * former owner still writing and aborts its open transaction.
 */
export class PartitionTransactions {
  private readonly producers = new Map<string, Promise<Producer>>();
  /**
   * Per live producer, the partition's next offset as committed: read from Kafka once the
   * producer has started, then moved by each of its commits. See committedOffset.
   */
  private readonly committed = new Map<string, bigint>();
  private admin: Promise<Admin> | undefined;
  private readonly acknowledged: AcknowledgedSend;

  constructor(
    private readonly kafka: Kafka,
    private readonly telemetry: KafkaTelemetry = noKafkaTelemetry,
  ) {
    this.acknowledged = new AcknowledgedSend(kafka);
  }

  /**
   * The partition's next offset as committed for the group, or undefined when none is. Records
   * below it are committed already and must not be produced again, yet kafkajs may hand them
   * again: a commit whose answer was lost (a broker restarting, a node killed) may complete at the
   * coordinator after the caller saw it fail, and a consumer restarted after a commit fetches its
   * offset without waiting for the commit's markers (no requireStable before OffsetFetch v7), so
   * it may read the previous one. Starting a producer finishes whatever transaction an earlier
   * one of the same id left open, so the offset read from Kafka after that is settled; from then
   * on this producer's own commits move it.
   */
  async committedOffset(groupId: string, topic: string, partition: number): Promise<bigint | undefined> {
    const transactionalId = transactionalIdOf(groupId, topic, partition);
    const known = this.committed.get(transactionalId);
    if (known !== undefined) return known >= 0n ? known : undefined;
    await this.producerFor(transactionalId);
    const admin = await this.adminClient();
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const offset = BigInt(offsets?.partitions.find((entry) => entry.partition === partition)?.offset ?? '-1');
    this.committed.set(transactionalId, offset);
    return offset >= 0n ? offset : undefined;
  }

  private adminClient(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      this.admin = admin.connect().then(() => admin);
      this.admin.catch(() => (this.admin = undefined));
    }
    return this.admin;
  }

  /** Writes `request` and commits `consumed` in one transaction; throws if it did not commit. */
  async commit(request: ProduceRequest, consumed: ConsumedOffset): Promise<void> {
    const transactionalId = transactionalIdOf(consumed.groupId, consumed.topic, consumed.partition);
    const producer = await this.producerFor(transactionalId);
    const transaction = await producer.transaction();
    try {
      for (const chunk of produceRequests(request)) await this.acknowledged.send(transaction, chunk);
      await transaction.sendOffsets({
        consumerGroupId: consumed.groupId,
        topics: [{ topic: consumed.topic, partitions: [{ partition: consumed.partition, offset: consumed.offset }] }],
      });
      await transaction.commit();
      const known = this.committed.get(transactionalId);
      if (known !== undefined && BigInt(consumed.offset) > known)
        this.committed.set(transactionalId, BigInt(consumed.offset));
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      // A fenced or confused producer stays so: the next batch starts a fresh one, whose
      // initialisation also aborts whatever this one may have left open.
      await this.discard(transactionalId);
      throw error;
    }
    for (const { topic, records } of request) this.telemetry.recordsProduced(topic, records.length);
  }

  private producerFor(transactionalId: string): Promise<Producer> {
    let producer = this.producers.get(transactionalId);
    if (!producer) {
      const created = this.kafka.producer({
        transactionalId,
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
        // A transaction begun right after the previous commit meets its markers still being
        // written (CONCURRENT_TRANSACTIONS) and is retried: from 20 ms rather than the client's
        // 200 ms, with as many doublings, so the wait for a broker's restart stays as long.
        retry: { initialRetryTime: 20, retries: 11 },
      });
      producer = created.connect().then(() => created);
      producer.catch(() => this.producers.delete(transactionalId));
      this.producers.set(transactionalId, producer);
    }
    return producer;
  }

  private async discard(transactionalId: string): Promise<void> {
    const producer = this.producers.get(transactionalId);
    this.producers.delete(transactionalId);
    this.committed.delete(transactionalId);
    await producer?.then((stale) => stale.disconnect()).catch(() => undefined);
  }

  async disconnect(): Promise<void> {
    const ids = [...this.producers.keys()];
    await Promise.all(ids.map((id) => this.discard(id)));
    const admin = this.admin;
    this.admin = undefined;
    await admin?.then((client) => client.disconnect()).catch(() => undefined);
  }
}

function transactionalIdOf(groupId: string, topic: string, partition: number): string {
  return `${groupId}.${topic}.${partition}`;
}

/** The request's records in produce requests of at most MAX_PUBLISH_REQUEST_BYTES, in order. */
function produceRequests(request: ProduceRequest): ProduceRequest[] {
  const entries = request.flatMap(({ topic, records }) =>
    records.map((record) => ({ topic, record, bytes: estimateRecordBytes(record) })),
  );
  const requests: ProduceRequest[] = [];
  while (entries.length > 0) {
    const length = requestLength(entries, (entry) => entry.bytes, MAX_PUBLISH_REQUEST_BYTES);
    requests.push(toProduceRequest(entries.splice(0, length)));
  }
  return requests;
}

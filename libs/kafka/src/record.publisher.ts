import { CompressionTypes, Partitioners, type Kafka, type Producer } from 'kafkajs';

export interface OutgoingRecord {
  key: string;
  value: string | Buffer;
  headers?: Record<string, string>;
}

/**
 * Budget of one produce request. The broker refuses a record batch larger than its
 * message.max.bytes (1 MiB by default), and a backlog can make one consumer batch yield
 * megabytes of output; half the default leaves room for the protocol's own framing.
 */
export const MAX_PUBLISH_REQUEST_BYTES = 512 * 1024;
/** Per-record framing in a v2 record batch (lengths, offsets, timestamps), rounded up. */
const RECORD_FRAMING_BYTES = 64;

function estimateRecordBytes(record: OutgoingRecord): number {
  const headerBytes = Object.entries(record.headers ?? {}).reduce(
    (total, [name, value]) => total + Buffer.byteLength(name) + Buffer.byteLength(value),
    0,
  );
  return RECORD_FRAMING_BYTES + Buffer.byteLength(record.key) + Buffer.byteLength(record.value) + headerBytes;
}

/**
 * Cuts records into consecutive runs of at most `maxBytes` each (a record larger than that
 * travels alone), keeping their order.
 */
export function splitIntoRequests(
  records: readonly OutgoingRecord[],
  maxBytes: number = MAX_PUBLISH_REQUEST_BYTES,
): OutgoingRecord[][] {
  const requests: OutgoingRecord[][] = [];
  let current: OutgoingRecord[] = [];
  let currentBytes = 0;
  for (const record of records) {
    const bytes = estimateRecordBytes(record);
    if (current.length > 0 && currentBytes + bytes > maxBytes) {
      requests.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(record);
    currentBytes += bytes;
  }
  if (current.length > 0) requests.push(current);
  return requests;
}

/**
 * Idempotent producer with acks from all in-sync replicas: `publish` resolves only once the
 * broker has durably accepted every record, which is what lets callers answer "accepted".
 */
export class RecordPublisher {
  private readonly producer: Producer;

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  /**
   * Sends the records in order, in as many requests as their size needs; resolves once all
   * are acknowledged. On failure some leading requests may be stored: callers retry the
   * whole call, so records are at least once.
   */
  async publish(topic: string, records: readonly OutgoingRecord[]): Promise<void> {
    for (const request of splitIntoRequests(records)) {
      await this.producer.send({
        topic,
        acks: -1,
        compression: CompressionTypes.None,
        messages: request.map((record) => ({ key: record.key, value: record.value, headers: record.headers })),
      });
    }
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }
}

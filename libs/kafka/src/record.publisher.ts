import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { AcknowledgedSend } from './acknowledged-send';
import { noKafkaTelemetry, type KafkaTelemetry } from './kafka.telemetry';
import { SendCoalescer, type OutgoingRecord } from './send-coalescer';

/**
 * Idempotent producer with acks from all in-sync replicas: `publish` resolves only once the
 * broker has durably accepted every record, which is what lets callers answer "accepted".
 * Concurrent calls share produce requests (see SendCoalescer).
 */
function isOutOfOrderSequence(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = (cause as Error & { cause?: unknown }).cause) {
    if ((cause as Error & { type?: unknown }).type === 'OUT_OF_ORDER_SEQUENCE_NUMBER') return true;
    if (cause === (cause as Error & { cause?: unknown }).cause) break;
  }
  return false;
}

export class RecordPublisher {
  private producer: Producer;
  private readonly coalescer: SendCoalescer;

  constructor(
    private readonly kafka: Kafka,
    private readonly telemetry: KafkaTelemetry = noKafkaTelemetry,
  ) {
    this.producer = this.createProducer();
    const acknowledged = new AcknowledgedSend(kafka);
    this.coalescer = new SendCoalescer(async (request) => {
      try {
        await acknowledged.send(this.producer, request);
      } catch (error) {
        if (isOutOfOrderSequence(error)) await this.replaceProducer();
        throw error;
      }
    });
  }

  private createProducer(): Producer {
    return this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  /**
   * After a partition leader moved (a Kafka node lost), kafkajs can keep sequence numbers the
   * new leader refuses, and every later send to that partition fails the same way. A new
   * producer gets a new producer id and starts its sequences afresh; the failed call is retried
   * by its caller (records at least once). The coalescer has no request in flight meanwhile.
   */
  private async replaceProducer(): Promise<void> {
    const stale = this.producer;
    this.producer = this.createProducer();
    await stale.disconnect().catch(() => undefined);
    await this.producer.connect();
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
    await this.coalescer.publish(topic, records);
    this.telemetry.recordsProduced(topic, records.length);
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }
}

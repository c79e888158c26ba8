import { CompressionTypes, Partitioners, type Kafka, type Producer } from 'kafkajs';
import { noKafkaTelemetry, type KafkaTelemetry } from './kafka.telemetry';
import { SendCoalescer, type OutgoingRecord } from './send-coalescer';

/**
 * Idempotent producer with acks from all in-sync replicas: `publish` resolves only once the
 * broker has durably accepted every record, which is what lets callers answer "accepted".
 * Concurrent calls share produce requests (see SendCoalescer).
 */
export class RecordPublisher {
  private readonly producer: Producer;
  private readonly coalescer: SendCoalescer;

  constructor(
    kafka: Kafka,
    private readonly telemetry: KafkaTelemetry = noKafkaTelemetry,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.coalescer = new SendCoalescer(async (request) => {
      await this.producer.sendBatch({
        acks: -1,
        compression: CompressionTypes.None,
        topicMessages: request.map(({ topic, records }) => ({
          topic,
          messages: records.map((record) => ({ key: record.key, value: record.value, headers: record.headers })),
        })),
      });
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
    await this.coalescer.publish(topic, records);
    this.telemetry.recordsProduced(topic, records.length);
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }
}

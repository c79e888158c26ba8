import {
  CompressionTypes,
  Partitioners,
  type Kafka,
  type PartitionMetadata,
  type ProducerBatch,
  type RecordMetadata,
  type TopicMessages,
} from 'kafkajs';
import type { ProduceRequest } from './send-coalescer';

/**
 * Produce requests whose every partition is checked in the broker's answers before they count
 * as sent. kafkajs retries a produce request per broker and keeps the answers of the brokers
 * that answered the first time: a partition whose leader died and moved to one of them is then
 * never sent again, and `send` still resolves (kafkajs issue 1303). Here each record gets its
 * partition before the send, chosen as kafkajs's default partitioner would (the key's murmur2
 * hash), and a send whose answers leave out a partition it wrote to fails, so its caller sends
 * it again rather than losing what that partition held.
 */
export class AcknowledgedSend {
  /** Per topic, its partitions as the partitioner reads them (leaders do not matter for a key). */
  private readonly partitionMetadata = new Map<string, Promise<PartitionMetadata[]>>();
  private readonly partitioner = Partitioners.DefaultPartitioner();

  constructor(private readonly kafka: Kafka) {}

  /**
   * Sends `request` through `sender` (a producer, or a transaction of one) with acks from every
   * in-sync replica; throws unless every partition written to is acknowledged.
   */
  async send(
    sender: { sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> },
    request: ProduceRequest,
  ): Promise<void> {
    const topicMessages = await this.partitioned(request);
    AcknowledgedSend.check(
      topicMessages,
      await sender.sendBatch({ acks: -1, compression: CompressionTypes.None, topicMessages }),
    );
  }

  /** The request as kafkajs topic messages, each record with its partition. */
  private async partitioned(request: ProduceRequest): Promise<TopicMessages[]> {
    return Promise.all(
      request.map(async ({ topic, records }) => {
        const partitionMetadata = await this.partitionsOf(topic);
        return {
          topic,
          messages: records.map((record) => ({
            key: record.key,
            value: record.value,
            headers: record.headers,
            partition: this.partitioner({
              topic,
              partitionMetadata,
              message: { key: record.key, value: record.value },
            }),
          })),
        };
      }),
    );
  }

  /** Throws naming the partitions written to that no answer acknowledged. */
  static check(sent: readonly TopicMessages[], answers: readonly RecordMetadata[]): void {
    const acknowledged = new Set(
      answers.filter((answer) => answer.errorCode === 0).map((answer) => `${answer.topicName}[${answer.partition}]`),
    );
    const written = new Set(
      sent.flatMap(({ topic, messages }) => messages.map((message) => `${topic}[${message.partition ?? '?'}]`)),
    );
    const unacknowledged = [...written].filter((partition) => !acknowledged.has(partition));
    if (unacknowledged.length > 0) {
      throw new Error(
        `Kafka acknowledged no write to ${unacknowledged.join(', ')}: nothing of this send counts as stored`,
      );
    }
  }

  /** Learnt once per topic: a topic's partitions are added rarely, and records then only miss the new ones. */
  private partitionsOf(topic: string): Promise<PartitionMetadata[]> {
    let partitions = this.partitionMetadata.get(topic);
    if (!partitions) {
      partitions = this.readPartitions(topic);
      partitions.catch(() => this.partitionMetadata.delete(topic));
      this.partitionMetadata.set(topic, partitions);
    }
    return partitions;
  }

  private async readPartitions(topic: string): Promise<PartitionMetadata[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      const partitions = topics[0]?.partitions ?? [];
      if (partitions.length === 0) throw new Error(`topic ${topic} has no partitions`);
      return partitions;
    } finally {
      await admin.disconnect();
    }
  }
}

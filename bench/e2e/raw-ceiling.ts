import { ensureTopics, type TopicReplication } from '@tocsin/kafka';
import { CompressionTypes, type Kafka } from 'kafkajs';
import { benchMention } from './load-generator';

/** Records sent before the clock starts, so the JIT and the broker's connections are warm. */
const WARM_UP_RECORDS = 5_000;

export interface RawCeiling {
  records: number;
  produceSeconds: number;
  producePerSecond: number;
  consumeSeconds: number;
  consumePerSecond: number;
}

/**
 * What a bare kafkajs client gets from this broker with Tocsin's record shape: `records`
 * mentions (after a warm-up) produced by 4 concurrent senders in batches of 500 with acks from all
 * replicas (as ingest asks), then all read back by one consumer from the start, its 6 partitions
 * concurrently, with nothing done per record.
 * The ratios in the report divide Tocsin's figures by these.
 */
export async function measureRawCeiling(
  kafka: Kafka,
  topic: string,
  records: number,
  replication: TopicReplication,
): Promise<RawCeiling> {
  // Replicated as Tocsin's own topics are, so the ratios compare like with like on a cluster.
  await ensureTopics(kafka, [{ topic, numPartitions: 6 }], replication);

  // No idempotence and requests pipelined: the most a bare client gets, not what ingest may do.
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const receivedAt = new Date().toISOString();
  let next = 0;
  let end = Math.min(WARM_UP_RECORDS, records);
  const sender = async (): Promise<void> => {
    while (next < end) {
      const first = next;
      next = Math.min(end, next + 500);
      const messages = [];
      for (let i = first; i < next; i += 1) {
        messages.push({
          key: `mention:twitter:raw-${i}`,
          value: JSON.stringify(benchMention(`raw-${i}`, i, receivedAt)),
          headers: { 'tocsin-received-at': receivedAt },
        });
      }
      await producer.send({ topic, acks: -1, compression: CompressionTypes.None, messages });
    }
  };
  await Promise.all([sender(), sender(), sender(), sender()]);
  const produceStartedMs = performance.now();
  end = records + next;
  await Promise.all([sender(), sender(), sender(), sender()]);
  const produceSeconds = (performance.now() - produceStartedMs) / 1000;
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: `${topic}-reader`, allowAutoTopicCreation: false });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const total = end;
  let consumed = 0;
  let consumeStartedMs = 0;
  const consumeSeconds = await new Promise<number>((resolve) => {
    void consumer.run({
      eachBatchAutoResolve: true,
      partitionsConsumedConcurrently: 6,
      eachBatch: async ({ batch }) => {
        // The clock starts at the first batch: the group join is not the broker's read speed.
        if (consumeStartedMs === 0) consumeStartedMs = performance.now();
        consumed += batch.messages.length;
        if (consumed >= total) resolve((performance.now() - consumeStartedMs) / 1000);
      },
    });
  });
  await consumer.disconnect();
  return {
    records,
    produceSeconds,
    producePerSecond: records / produceSeconds,
    consumeSeconds,
    consumePerSecond: total / consumeSeconds,
  };
}

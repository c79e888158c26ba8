import { createKafka, PartitionTransactions, toProduceRequest } from '@tocsin/kafka';
import { randomUUID } from 'node:crypto';
import { readWholeTopic } from '../support/test-infra';
import { waitUntil } from '../support/wait-for';
import { CLUSTER_ENV } from './cluster-infra';

const TRANSACTIONS = 200;
const RECORDS_PER_TRANSACTION = 6;

const quiet = { warn: () => undefined, error: () => undefined };

/** true once `commit` resolves, undefined while it fails. */
async function settled(commit: () => Promise<void>): Promise<true | undefined> {
  try {
    await commit();
    return true;
  } catch {
    return undefined;
  }
}

describe(PartitionTransactions.name, () => {
  const id = `t${randomUUID().slice(0, 8)}`;
  const topic = `${id}.spread`;
  const groupId = `${id}-group`;
  const kafka = createKafka({ brokers: CLUSTER_ENV.KAFKA_BROKERS.split(','), clientId: id, topicPrefix: '' }, quiet);
  const sut = new PartitionTransactions(kafka);

  beforeAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      // Its own wait: kafkajs's gives up when a node does not know the new topic yet.
      await admin.createTopics({ topics: [{ topic, numPartitions: 6, replicationFactor: 3 }], waitForLeaders: false });
      await waitUntil(
        `every partition of ${topic} to have a leader`,
        async () => {
          const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined))?.topics ?? [];
          const leaders = new Set(metadata?.partitions.map((partition) => partition.leader));
          return metadata?.partitions.length === 6 && !leaders.has(-1) && leaders.size > 1 ? true : undefined;
        },
        30_000,
      );
    } finally {
      await admin.disconnect();
    }
  });

  afterAll(async () => {
    await sut.disconnect();
  });

  // Each transaction writes to partitions led by different nodes, one produce request per node,
  // and begins while the previous one's markers are still being written, so some of those
  // requests are refused (CONCURRENT_TRANSACTIONS) while others succeed and the send is retried.
  it('commits each record once when a send spread over several nodes is retried', async () => {
    for (let transaction = 0; transaction < TRANSACTIONS; transaction += 1) {
      const records = Array.from({ length: RECORDS_PER_TRANSACTION }, (_, index) => ({
        key: `${transaction}-${index}`,
        value: `${transaction}-${index}`,
      }));
      // A commit refused (a coordinator moving after a node's restart) is aborted and made
      // again unless it committed after all, as the pipeline handles a batch again.
      await waitUntil(
        `transaction ${transaction} to commit`,
        () =>
          settled(async () => {
            const committed = await sut.committedOffset(groupId, topic, 0);
            if (committed !== undefined && committed > BigInt(transaction)) return;
            await sut.commit(toProduceRequest(records.map((record) => ({ topic, record }))), {
              groupId,
              topic,
              partition: 0,
              offset: String(transaction + 1),
            });
          }),
        30_000,
      );
    }

    const values = (await readWholeTopic(kafka, topic, 60_000)).map((message) => message.value?.toString() ?? '');
    const counts = new Map<string, number>();
    for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
    expect([...counts].filter(([, count]) => count > 1)).toEqual([]);
    expect(values).toHaveLength(TRANSACTIONS * RECORDS_PER_TRANSACTION);
  }, 180_000);
});

import { BatchConsumerRunner, ensureTopics, PartitionTransactions, RecordPublisher } from '@tocsin/kafka';
import { KafkaJSError, type Kafka, type KafkaMessage, type Producer, type Transaction } from 'kafkajs';
import { TestRun, isGroupCaughtUp, readTopic, readWholeTopic } from '../support/test-infra';
import { waitUntil } from '../support/wait-for';

const silentLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** Records of a topic as a read_uncommitted reader sees them: aborted ones included. */
async function readUncommitted(run: TestRun, topic: string, count: number): Promise<string[]> {
  const consumer = run.kafka.consumer({
    groupId: `${run.id}-uncommitted`,
    readUncommitted: true,
    maxWaitTimeInMs: 100,
  });
  const values: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        values.push(message.value?.toString() ?? '');
        if (values.length >= count) resolve();
      },
    });
  });
  await consumer.disconnect();
  return values;
}

/**
 * The broker's client, except that the first transaction commit's answer is lost: the commit
 * holds at the coordinator, the caller sees an error (as when a broker restarts under it).
 */
function losingFirstCommitAnswer(kafka: Kafka): { kafka: Kafka; lost: () => number } {
  let lost = 0;
  const wrapped = Object.create(kafka) as Kafka;
  wrapped.producer = (config) => {
    const producer = kafka.producer(config);
    const begin = producer.transaction.bind(producer);
    producer.transaction = async () => {
      const transaction = await begin();
      const commit = transaction.commit.bind(transaction);
      transaction.commit = async () => {
        await commit();
        if (lost > 0) return;
        lost += 1;
        throw new KafkaJSError('the answer to EndTxn was lost');
      };
      return transaction;
    };
    return producer;
  };
  return { kafka: wrapped, lost: () => lost };
}

describe(PartitionTransactions.name, () => {
  const run = new TestRun();
  const transactions = new PartitionTransactions(run.kafka);
  const publisher = new RecordPublisher(run.kafka);

  beforeAll(async () => {
    await run.createTopics();
    await publisher.connect();
  });

  afterAll(async () => {
    await transactions.disconnect();
    await publisher.disconnect();
    await run.cleanUp();
  });

  it('commits the records and the consumed offset together', async () => {
    const groupId = `${run.id}-committed`;
    const raw = run.topic('mentions.raw');
    await transactions.commit(
      [
        {
          topic: run.topic('alerts.signals'),
          records: [
            { key: 'k', value: 'one' },
            { key: 'k', value: 'two' },
          ],
        },
      ],
      { groupId, topic: raw, partition: 2, offset: '7' },
    );
    const stored = await readWholeTopic(run, run.topic('alerts.signals'), 20_000);
    expect(stored.map((message) => message.value?.toString())).toEqual(['one', 'two']);
    const admin = run.kafka.admin();
    await admin.connect();
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [raw] }).finally(() => admin.disconnect());
    expect(offsets?.partitions.find((partition) => partition.partition === 2)?.offset).toBe('7');
  });

  it('leaves nothing a read_committed reader sees, and no offset, when the transaction fails half-way', async () => {
    const groupId = `${run.id}-failed`;
    const raw = run.topic('mentions.raw');
    const target = run.topic('alerts.events');
    // The small records leave in a first produce request; the next one is over the broker's
    // 1 MiB record limit and refused, after the first was stored.
    const small = Array.from({ length: 5 }, (_, index) => ({ key: 'k', value: `small-${index}` }));
    const tooLarge = { key: 'k', value: 'x'.repeat(1_200_000) };
    await expect(
      transactions.commit([{ topic: target, records: [...small, tooLarge] }], {
        groupId,
        topic: raw,
        partition: 0,
        offset: '3',
      }),
    ).rejects.toThrow();
    expect(await readUncommitted(run, target, small.length)).toEqual(small.map((record) => record.value));
    const admin = run.kafka.admin();
    await admin.connect();
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [raw] }).finally(() => admin.disconnect());
    expect(offsets?.partitions.find((partition) => partition.partition === 0)?.offset).toBe('-1');

    // The next transaction of the same partition goes through; only its record is read.
    await transactions.commit([{ topic: target, records: [{ key: 'k', value: 'after' }] }], {
      groupId,
      topic: raw,
      partition: 0,
      offset: '3',
    });
    const stored = await readWholeTopic(run, target, 20_000);
    expect(stored.map((message) => message.value?.toString())).toEqual(['after']);
  });

  it('hides records of transactions aborted in another order than they began, wherever a reader starts', async () => {
    const topic = run.topic('interleaved-aborts');
    await ensureTopics(run.kafka, [{ topic, numPartitions: 1 }]);
    const admin = run.kafka.admin();
    await admin.connect();
    const producers = ['first', 'second', 'committed'].map((name) =>
      run.kafka.producer({ transactionalId: `${run.id}-${name}`, idempotent: true, maxInFlightRequests: 1 }),
    );
    await Promise.all(producers.map((producer) => producer.connect()));
    const [first, second, committed] = producers as [Producer, Producer, Producer];
    const send = (transaction: Transaction, value: string) =>
      transaction.send({ topic, messages: [{ partition: 0, value }] });
    try {
      // Offsets 0 to 3: the first transaction begins before the second and is aborted after it,
      // so the broker lists the second first; then a committed record.
      const begunFirst = await first.transaction();
      await send(begunFirst, 'first-0');
      const begunSecond = await second.transaction();
      await send(begunSecond, 'second-1');
      await send(begunSecond, 'second-2');
      await send(begunFirst, 'first-3');
      await begunSecond.abort();
      await begunFirst.abort();
      const kept = await committed.transaction();
      await send(kept, 'kept');
      await kept.commit();

      const values = (messages: KafkaMessage[]) => messages.map((message) => message.value?.toString());
      expect(values(await readWholeTopic(run, topic, 20_000))).toEqual(['kept']);
      // A reader resuming at offset 2 starts inside both aborted transactions at once.
      const groupId = `${run.id}-resumed`;
      await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '2' }] });
      const [end] = await admin.fetchTopicOffsets(topic);
      const resumed = await readTopic(
        run.kafka,
        topic,
        (_messages, positions) => (positions.get(0) ?? 0n) >= BigInt(end?.high ?? '0'),
        20_000,
        groupId,
      );
      expect(values(resumed)).toEqual(['kept']);
    } finally {
      await Promise.all(producers.map((producer) => producer.disconnect()));
      await admin.disconnect();
    }
  });

  it('lets a consumer downstream of a transactional topic commit past markers and aborted records', async () => {
    const source = run.topic('mentions.enriched');
    const upstream = (round: number) => ({
      groupId: `${run.id}-upstream`,
      topic: run.topic('mentions.raw'),
      partition: 1,
      offset: String(round + 1),
    });
    for (let round = 0; round < 3; round += 1) {
      await transactions.commit([{ topic: source, records: [{ key: 'same', value: String(round) }] }], upstream(round));
    }
    const seen: number[] = [];
    const runner = new BatchConsumerRunner<number>({
      kafka: run.kafka,
      publisher,
      logger: silentLogger,
      groupId: `${run.id}-downstream`,
      topic: source,
      dlqTopic: run.topic('mentions.dlq'),
      decode: (record) => ({ ok: true, value: Number(record.value?.toString()) }),
      handle: async (batch) => {
        seen.push(...batch.items.map((item) => item.value));
      },
    });
    const caughtUp = () =>
      waitUntil(
        'the downstream group to commit up to the end of its topic',
        async () => ((await isGroupCaughtUp(run.kafka, `${run.id}-downstream`, source)) ? true : undefined),
        30_000,
      );
    await runner.start();
    try {
      await caughtUp();
      // Fetched on their own, aborted records and their marker make a batch with nothing to handle.
      await expect(
        transactions.commit(
          [
            {
              topic: source,
              records: [
                { key: 'same', value: '99' },
                { key: 'same', value: 'x'.repeat(1_200_000) },
              ],
            },
          ],
          upstream(3),
        ),
      ).rejects.toThrow();
      await caughtUp();
      expect(seen).toEqual([0, 1, 2]);
    } finally {
      await runner.stop();
    }
  });

  it('does not produce again what a commit whose answer was lost had committed', async () => {
    const source = run.topic('alerts.events');
    const target = run.topic('alerts.signals');
    const groupId = `${run.id}-lost-answer`;
    const values = Array.from({ length: 20 }, (_, index) => `mention-${index}`);
    await publisher.publish(
      source,
      values.map((value) => ({ key: 'one-partition', value })),
    );
    const faulty = losingFirstCommitAnswer(run.kafka);
    const faultyTransactions = new PartitionTransactions(faulty.kafka);
    const runner = new BatchConsumerRunner<string>({
      kafka: run.kafka,
      publisher,
      logger: silentLogger,
      groupId,
      topic: source,
      dlqTopic: run.topic('mentions.dlq'),
      transactions: faultyTransactions,
      decode: (record) => ({ ok: true, value: record.value?.toString() ?? '' }),
      handle: async (batch) => {
        await batch.output.publish(
          target,
          batch.items.map((item) => ({ key: 'one-partition', value: item.value })),
        );
      },
    });
    await runner.start();
    try {
      await waitUntil(
        'the group to commit up to the end of its topic',
        async () => ((await isGroupCaughtUp(run.kafka, groupId, source)) ? true : undefined),
        30_000,
      );
      expect(faulty.lost()).toBe(1);
      // Earlier tests' records share these topics.
      const stored = (await readWholeTopic(run, target, 20_000))
        .map((message) => message.value?.toString() ?? '')
        .filter((value) => value.startsWith('mention-'));
      expect(stored).toEqual(values);
    } finally {
      await runner.stop();
      await faultyTransactions.disconnect();
    }
  });
});

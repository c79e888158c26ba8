import { BatchConsumerRunner, PartitionTransactions, RecordPublisher } from '@tocsin/kafka';
import { TestRun, isGroupCaughtUp, readWholeTopic } from '../support/test-infra';
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
});

import { BatchConsumerRunner, DLQ_HEADERS, RecordPublisher, type PartitionBatch } from '@tocsin/kafka';
import { TestRun, readWholeTopic } from '../support/test-infra';
import { holds, waitUntil } from '../support/wait-for';

const silentLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

describe(BatchConsumerRunner.name, () => {
  const run = new TestRun();
  const publisher = new RecordPublisher(run.kafka);

  beforeAll(async () => {
    await run.createTopics();
    await publisher.connect();
  });

  afterAll(async () => {
    await publisher.disconnect();
    await run.cleanUp();
  });

  function runnerFor(
    groupId: string,
    handle: (batch: PartitionBatch<number>) => Promise<void>,
  ): BatchConsumerRunner<number> {
    return new BatchConsumerRunner<number>({
      kafka: run.kafka,
      publisher,
      logger: silentLogger,
      groupId: `${run.id}-${groupId}`,
      topic: run.topic('mentions.raw'),
      dlqTopic: run.topic('mentions.dlq'),
      decode: (record) => {
        const value = Number(record.value?.toString());
        return Number.isInteger(value)
          ? { ok: true, value }
          : { ok: false, reason: `not an integer: ${record.value?.toString()}` };
      },
      handle,
    });
  }

  it('publishes an output of megabytes, beyond what the broker takes in one request, whole and in order', async () => {
    // A day of backlog turns into thousands of signals in one batch; the broker's default cap
    // on one record batch is 1 MiB.
    const records = Array.from({ length: 4000 }, (_, index) => ({
      key: 'one-brand',
      value: JSON.stringify({ index, padding: 'x'.repeat(1000) }),
    }));
    await publisher.publish(run.topic('alerts.signals'), records);
    const stored = await readWholeTopic(run, run.topic('alerts.signals'), 30_000);
    expect(stored.map((message) => (JSON.parse(message.value?.toString() ?? '{}') as { index: number }).index)).toEqual(
      records.map((_, index) => index),
    );
  });

  it('starts a consumer kafkajs gave up on again, then reports it instead of idling silently', async () => {
    await publisher.publish(run.topic('mentions.enriched'), [{ key: 'k', value: '1' }]);
    let fatal: Error | undefined;
    const warnings: string[] = [];
    const runner = new BatchConsumerRunner<number>({
      kafka: run.kafka,
      publisher,
      logger: { ...silentLogger, warn: (message: string) => warnings.push(message) },
      restarts: { max: 1, backoffMs: 100 },
      groupId: `${run.id}-fatal`,
      topic: run.topic('mentions.enriched'),
      dlqTopic: run.topic('mentions.dlq'),
      decode: () => ({ ok: true, value: 1 }),
      // One record over the broker's size cap cannot be split: the broker refuses it for good.
      handle: () => publisher.publish(run.topic('alerts.signals'), [{ key: 'k', value: 'x'.repeat(2 * 1024 * 1024) }]),
      onFatal: (error) => {
        fatal = error;
      },
    });
    await runner.start();
    await waitUntil(
      'the consumer to be reported as given up',
      holds(() => fatal !== undefined),
      30_000,
    );
    await runner.stop();
    expect(warnings).toEqual([expect.stringMatching(/starting it again in 100 ms \(1 of 1\)/)]);
    expect(fatal?.message).toMatch(/larger than the max message size/);
  });

  it('replays a batch whose handler failed, then commits it, and dead-letters bad records', async () => {
    await publisher.publish(
      run.topic('mentions.raw'),
      ['1', '2', 'three', '4'].map((value) => ({ key: 'same-partition', value })),
    );
    const handled: number[] = [];
    let failures = 0;
    const runner = runnerFor('replay', async (batch) => {
      if (failures === 0) {
        failures += 1;
        throw new Error('Redis unavailable');
      }
      handled.push(...batch.items.map((item) => item.value));
    });
    await runner.start();
    await waitUntil(
      'the batch to be handled after the failure',
      holds(() => handled.length >= 3),
      30_000,
    );
    await runner.stop();

    expect(failures).toBe(1);
    expect(handled).toEqual([1, 2, 4]);
    const admin = run.kafka.admin();
    await admin.connect();
    const [offsets] = await admin.fetchOffsets({ groupId: `${run.id}-replay`, topics: [run.topic('mentions.raw')] });
    await admin.disconnect();
    const committed = offsets?.partitions.map((partition) => Number(partition.offset)).filter((offset) => offset > 0);
    expect(committed).toEqual([4]);

    const [dead] = await run.readTopic(run.topic('mentions.dlq'), (messages) => messages.length >= 1, 20_000);
    expect(dead?.value?.toString()).toBe('three');
    expect(dead?.headers?.[DLQ_HEADERS.reason]?.toString()).toBe('not an integer: three');
    expect(dead?.headers?.[DLQ_HEADERS.sourceOffset]?.toString()).toBe('2');
  });

  it('hands the rest of the stream to the next consumer of the group without loss or repeat', async () => {
    const values = Array.from({ length: 300 }, (_, index) => index + 1000);
    const handled: number[] = [];
    const first = runnerFor('handover', async (batch) => {
      handled.push(...batch.items.map((item) => item.value));
    });
    await first.start();
    await publisher.publish(
      run.topic('mentions.raw'),
      values.slice(0, 150).map((value) => ({ key: `k${value}`, value: String(value) })),
    );
    await waitUntil(
      'the first half to be handled',
      holds(() => handled.filter((v) => v >= 1000).length >= 150),
      30_000,
    );
    await first.stop();

    await publisher.publish(
      run.topic('mentions.raw'),
      values.slice(150).map((value) => ({ key: `k${value}`, value: String(value) })),
    );
    const second = runnerFor('handover', async (batch) => {
      handled.push(...batch.items.map((item) => item.value));
    });
    await second.start();
    await waitUntil(
      'the second half to be handled',
      holds(() => handled.filter((v) => v >= 1000).length >= 300),
      30_000,
    );
    await second.stop();

    const mine = handled.filter((value) => value >= 1000).sort((a, b) => a - b);
    expect(mine).toEqual(values);
  });
});

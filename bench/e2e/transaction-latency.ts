import { createKafka, ensureTopics, PartitionTransactions } from '@tocsin/kafka';
import { loadavg } from 'node:os';
import { percentile } from './load-generator';

const USAGE =
  'usage: npx tsx bench/e2e/transaction-latency.ts [--partitions N] [--commits N] [--records N] (KAFKA_BROKERS)';
/** Commits per partition left out of the figures: producers starting, the reader joining. */
const WARM_UP_COMMITS = 10;

function say(message: string): void {
  process.stderr.write(`transaction-latency: ${message}\n`);
}

function positiveInteger(name: string, text: string | undefined): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer, got ${text}\n${USAGE}`);
  return value;
}

/**
 * What the enrichment's Kafka transactions cost on this broker, without the rest of the pipeline:
 * `--partitions` partitions (6) each commit `--commits` transactions (60) of `--records` records
 * (20, keyed over three brands as enriched mentions are) one after the other, all partitions at
 * once, through PartitionTransactions; a read_committed reader of the output topic measures when
 * each record became visible. Prints the commit and visibility percentiles and the load average.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((arg) => arg !== '--');
  let partitions = 6;
  let commits = 60;
  let records = 20;
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === '--partitions') partitions = positiveInteger('--partitions', args[(i += 1)]);
    else if (args[i] === '--commits') commits = positiveInteger('--commits', args[(i += 1)]);
    else if (args[i] === '--records') records = positiveInteger('--records', args[(i += 1)]);
    else throw new Error(USAGE);
  }
  if (commits <= WARM_UP_COMMITS) throw new Error(`--commits must be above the ${WARM_UP_COMMITS} warm-up commits`);
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error(USAGE);
  const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
  const prefix = `transaction-latency-${Date.now().toString(36)}.`;
  const kafka = createKafka(
    { brokers: brokers.split(','), clientId: 'transaction-latency', topicPrefix: prefix },
    quiet,
  );
  const source = `${prefix}source`;
  const output = `${prefix}output`;
  await ensureTopics(kafka, [
    { topic: source, numPartitions: partitions },
    { topic: output, numPartitions: 6 },
  ]);
  const transactions = new PartitionTransactions(kafka);
  const reader = kafka.consumer({ groupId: `${prefix}reader`, maxWaitTimeInMs: 100 });
  const visibleAfterMs: number[] = [];
  const commitMs: number[] = [];
  try {
    await reader.connect();
    await reader.subscribe({ topic: output, fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        const [round = '0', startedAt = '0'] = String(message.value).split('@');
        if (Number(round) >= WARM_UP_COMMITS) visibleAfterMs.push(Date.now() - Number(startedAt));
      },
    });
    say(`${partitions} partitions × ${commits} commits of ${records} records…`);
    await Promise.all(
      Array.from({ length: partitions }, async (_, partition) => {
        for (let round = 0; round < commits; round += 1) {
          const startedAt = Date.now();
          const batch = Array.from({ length: records }, (_, index) => ({
            key: `brand-${index % 3}`,
            value: `${round}@${startedAt}`,
          }));
          await transactions.commit([{ topic: output, records: batch }], {
            groupId: `${prefix}group`,
            topic: source,
            partition,
            offset: String(round + 1),
          });
          if (round >= WARM_UP_COMMITS) commitMs.push(Date.now() - startedAt);
        }
      }),
    );
    const expected = partitions * (commits - WARM_UP_COMMITS) * records;
    const deadline = Date.now() + 30_000;
    while (visibleAfterMs.length < expected && Date.now() < deadline)
      await new Promise((done) => setTimeout(done, 100));
    const figures = (values: number[]) =>
      `p50 ${percentile(values, 50)} ms, p90 ${percentile(values, 90)} ms, p99 ${percentile(values, 99)} ms`;
    console.log(`commit (records, offset, EndTxn): ${figures(commitMs)} over ${commitMs.length} transactions`);
    console.log(
      `commit start → visible to a read_committed reader: ${figures(visibleAfterMs)} over ${visibleAfterMs.length} of ${expected} records`,
    );
    console.log(
      `load average: ${loadavg()
        .map((load) => load.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    await reader.disconnect();
    await transactions.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [source, output] }).catch(() => undefined);
    await admin.disconnect();
  }
}

main().catch((error: unknown) => {
  say(error instanceof Error ? error.message : String(error));
  process.exit(1);
});

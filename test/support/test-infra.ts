import { createKafka, tocsinTopicSpecs, ensureTopics } from '@tocsin/kafka';
import { TOPICS, type Environment } from '@tocsin/domain';
import Redis from 'ioredis';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { waitUntil } from './wait-for';
import { TEST_SESSION_SECRET } from './sessions';

export const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

// Expected failures (a test's simulated outage) would drown the report; TOCSIN_TEST_VERBOSE=1 shows them.
const verbose = process.env.TOCSIN_TEST_VERBOSE === '1';
const quietLogger = {
  warn: () => undefined,
  error: (message: string) => (verbose ? console.error(message) : undefined),
};

/**
 * A run of its own on the shared Kafka and Redis: topics, consumer groups and keys all carry
 * a unique prefix, so suites neither see each other's data nor leave any behind.
 */
export class TestRun {
  readonly id = `t${randomUUID().slice(0, 8)}`;
  readonly topicPrefix = `${this.id}.`;
  readonly keyPrefix = `tocsin-test:${this.id}:`;
  readonly kafka: Kafka = createKafka(
    { brokers: KAFKA_BROKERS.split(','), clientId: this.id, topicPrefix: this.topicPrefix },
    quietLogger,
  );
  readonly redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });

  topic(name: string): string {
    return `${this.topicPrefix}${name}`;
  }

  /** Environment for an app of this run; `overrides` win. */
  env(overrides: Environment = {}): Environment {
    return {
      KAFKA_BROKERS,
      REDIS_URL,
      KAFKA_TOPIC_PREFIX: this.topicPrefix,
      REDIS_KEY_PREFIX: this.keyPrefix,
      PIPELINE_GROUP_ID: `${this.id}-pipeline`,
      GATEWAY_GROUP_ID: `${this.id}-gateway`,
      ALERTER_GROUP_ID: `${this.id}-alerter`,
      INGEST_PORT: '0',
      GATEWAY_PORT: '0',
      INGEST_HOST: '127.0.0.1',
      GATEWAY_HOST: '127.0.0.1',
      PIPELINE_HEALTH_HOST: '127.0.0.1',
      PIPELINE_HEALTH_PORT: '0',
      ALERTER_HEALTH_HOST: '127.0.0.1',
      ALERTER_HEALTH_PORT: '0',
      LOG_LEVEL: process.env.TOCSIN_TEST_VERBOSE === '1' ? 'log' : 'error',
      // Test receivers listen on loopback over plain http, which only development and test allow.
      NODE_ENV: 'test',
      SESSION_SECRET: TEST_SESSION_SECRET,
      ...overrides,
    };
  }

  async createTopics(): Promise<void> {
    await ensureTopics(this.kafka, tocsinTopicSpecs(this.topicPrefix, TOPICS));
  }

  /** Every message of a topic from the beginning, read until `enough` says so; see readTopic. */
  readTopic(
    topic: string,
    enough: (messages: KafkaMessage[], positions: ReadonlyMap<number, bigint>) => boolean,
    timeoutMs: number,
  ): Promise<KafkaMessage[]> {
    return readTopic(this.kafka, topic, enough, timeoutMs);
  }

  async cleanUp(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(this.topicPrefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    await admin.disconnect();
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.keyPrefix}*`, 'COUNT', 500);
      if (keys.length > 0) await this.redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await this.redis.quit();
  }
}

/** True once a consumer group has committed every partition of `topic` up to its end. */
export async function isGroupCaughtUp(kafka: Kafka, groupId: string, topic: string): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return ends.every((end) => {
      const done = committed?.partitions.find((partition) => partition.partition === end.partition);
      const doneOffset = done && Number(done.offset) >= 0 ? Number(done.offset) : 0;
      return doneOffset >= Number(end.high);
    });
  } finally {
    await admin.disconnect();
  }
}

/** A record as read, with the partition it is stored in (with its offset, where it is). */
export type StoredMessage = KafkaMessage & { partition: number };

/**
 * Every message of a topic from the beginning (or from `groupId`'s committed offsets), read until
 * `enough` says so. `positions` holds each partition's next offset to read, past transaction
 * markers and aborted records too.
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  enough: (messages: KafkaMessage[], positions: ReadonlyMap<number, bigint>) => boolean,
  timeoutMs: number,
  groupId = `probe-${randomUUID()}`,
): Promise<StoredMessage[]> {
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  const messages: StoredMessage[] = [];
  const read = new Set<string>();
  const positions = new Map<number, bigint>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out after ${timeoutMs} ms reading ${topic} (${messages.length} messages)`)),
        timeoutMs,
      );
      const check = (): void => {
        if (!enough(messages, positions)) return;
        clearTimeout(timer);
        resolve();
      };
      const advance = (partition: number, next: bigint): void => {
        if (next > (positions.get(partition) ?? 0n)) positions.set(partition, next);
        check();
      };
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) =>
        advance(payload.partition, BigInt(payload.lastOffset) + 1n),
      );
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          // A consumer may hand a record again (a rejoin resumes from its last automatic
          // commit): the topic holds it once, so it is read once.
          const place = `${partition}@${message.offset}`;
          if (!read.has(place)) {
            read.add(place);
            messages.push({ ...message, partition });
          }
          advance(partition, BigInt(message.offset) + 1n);
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return messages;
}

/**
 * True once the pipeline's three groups have handled everything: enrichment (mentions.raw),
 * signals (the per-partition tallies merged into brand windows) and mention triggers
 * (mentions.enriched). Enrichment is read first, so what it wrote is there for the others.
 */
export async function isPipelineCaughtUp(run: TestRun, groupPrefix = `${run.id}-pipeline`): Promise<boolean> {
  return (
    (await isGroupCaughtUp(run.kafka, `${groupPrefix}-enrichment`, run.topic('mentions.raw'))) &&
    (await isGroupCaughtUp(run.kafka, `${groupPrefix}-signals`, run.topic('mentions.tallies'))) &&
    (await isGroupCaughtUp(run.kafka, `${groupPrefix}-triggers`, run.topic('mentions.enriched')))
  );
}

/** Kafka's isolation level under which every record is visible, committed or not. */
const READ_UNCOMMITTED = 0;

/** A member a client keeps under a private symbol. */
function privateMember<T>(object: object, description: string): T {
  const key = Object.getOwnPropertySymbols(object).find((symbol) => symbol.description === description);
  if (!key) throw new Error(`kafkajs no longer keeps "${description}" where the tests expect it`);
  return (object as Record<symbol, T>)[key] as T;
}

/** What {@link logEndOffsets} needs of the client's internal cluster. */
interface UncommittedCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  findTopicPartitionMetadata(topic: string): { partitionId: number }[];
  fetchTopicsOffset(
    topics: { topic: string; fromBeginning: boolean; partitions: { partition: number }[] }[],
  ): Promise<{ partitions: { partition: number; offset: string }[] }[]>;
}

/**
 * Each partition's log end, records of open or settling transactions included. The admin client
 * reports only the last stable offset, which trails a commit until the coordinator has written
 * its markers, and kafkajs offers no other isolation level but through its internal cluster.
 */
async function logEndOffsets(kafka: Kafka, topic: string): Promise<Map<number, bigint>> {
  const createCluster = privateMember<(options: { isolationLevel: number }) => UncommittedCluster>(
    kafka,
    'private:Kafka:createCluster',
  );
  const cluster = createCluster({ isolationLevel: READ_UNCOMMITTED });
  await cluster.connect();
  try {
    await cluster.addTargetTopic(topic);
    const partitions = cluster.findTopicPartitionMetadata(topic).map(({ partitionId }) => ({ partition: partitionId }));
    const [ends] = await cluster.fetchTopicsOffset([{ topic, fromBeginning: false, partitions }]);
    return new Map((ends?.partitions ?? []).map(({ partition, offset }) => [partition, BigInt(offset)]));
  } finally {
    await cluster.disconnect();
  }
}

/**
 * Every message committed to a topic up to the time of the call. A transaction's commit returns
 * before its markers reach the partitions, so this first waits for the stable offsets to pass
 * the log ends seen at the call: a commit just made is read, not missed.
 */
export async function readWholeTopic(
  source: TestRun | Kafka,
  topic: string,
  timeoutMs: number,
): Promise<StoredMessage[]> {
  const kafka = source instanceof TestRun ? source.kafka : source;
  // A partition just created or just moved answers "not the leader" until metadata catches up.
  const retriable =
    <T>(fetch: () => Promise<T>) =>
    () =>
      fetch().catch((error: { retriable?: boolean }) => {
        if (error.retriable) return undefined;
        throw error;
      });
  const logEnds = await waitUntil(
    `the log ends of ${topic}`,
    retriable(() => logEndOffsets(kafka, topic)),
    timeoutMs,
  );
  const admin = kafka.admin();
  await admin.connect();
  const ends = await waitUntil(
    `the stable offsets of ${topic} to pass its log ends`,
    retriable(async () => {
      const stable = await admin.fetchTopicOffsets(topic);
      return stable.every((end) => BigInt(end.high) >= (logEnds.get(end.partition) ?? 0n)) ? stable : undefined;
    }),
    timeoutMs,
  ).finally(() => admin.disconnect());
  // Offsets, not message counts: a transactional topic's markers take offsets too.
  const unread = ends.filter((end) => Number(end.high) > 0);
  if (unread.length === 0) return [];
  return readTopic(
    kafka,
    topic,
    (_messages, positions) => unread.every((end) => (positions.get(end.partition) ?? 0n) >= BigInt(end.high)),
    timeoutMs,
  );
}

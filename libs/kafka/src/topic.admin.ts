import { ConfigResourceTypes, type Admin, type Kafka } from 'kafkajs';
import type { KafkaSettings } from './kafka.config';
import type { KafkaLogger } from './kafka.factory';
import {
  findReplicationProblems,
  SINGLE_BROKER_REPLICATION,
  type TopicReplicaState,
  type TopicReplication,
} from './topic-replication';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
}

/**
 * Creates missing topics with explicit partition counts and the deployment's replication, then
 * checks every topic can keep the copies promised. Existing topics are not altered (raising a
 * replication factor is a reassignment, an operator's decision). Throws, naming each topic and
 * cause, when they cannot, unless `replication.allowUnderReplicated`; then the causes are
 * returned for the caller to log.
 */
export async function ensureTopics(
  kafka: Kafka,
  topics: readonly TopicSpec[],
  replication: TopicReplication = SINGLE_BROKER_REPLICATION,
): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((spec) => !existing.has(spec.topic));
    if (missing.length > 0) {
      await admin.createTopics({
        // Waited for below: kafkajs's own wait gives up when a broker of a cluster has not
        // learnt of the new topic yet ("does not host this topic-partition").
        waitForLeaders: false,
        topics: missing.map((spec) => ({
          topic: spec.topic,
          numPartitions: spec.numPartitions,
          replicationFactor: replication.factor,
          configEntries: [{ name: 'min.insync.replicas', value: String(replication.minInsyncReplicas) }],
        })),
      });
    }
    const names = topics.map((spec) => spec.topic);
    const problems = findReplicationProblems(
      missing.length > 0 ? await describeOnceLed(admin, names) : await describeReplicas(admin, names),
      replication,
    );
    if (problems.length > 0 && !replication.allowUnderReplicated) {
      throw new Error(
        `Kafka topics cannot keep the replicas asked: ${problems.join('; ')}. ` +
          'Fix the topics, or set KAFKA_ALLOW_UNDER_REPLICATED=true on a development setup.',
      );
    }
    return problems;
  } finally {
    await admin.disconnect();
  }
}

const NEW_TOPIC_WAIT_MS = 15_000;

/** New topics' metadata reaches every broker, and their partitions get leaders, in a moment. */
async function describeOnceLed(admin: Admin, topics: string[]): Promise<TopicReplicaState[]> {
  const deadline = Date.now() + NEW_TOPIC_WAIT_MS;
  for (;;) {
    try {
      const states = await describeReplicas(admin, topics);
      const led = states.every((state) => state.partitions.every((partition) => partition.leader >= 0));
      if (led || Date.now() >= deadline) return states;
    } catch (error) {
      const type = (error as { type?: unknown }).type;
      const settling = type === 'UNKNOWN_TOPIC_OR_PARTITION' || type === 'LEADER_NOT_AVAILABLE';
      if (!settling || Date.now() >= deadline) {
        throw new Error(`Kafka topics ${topics.join(', ')} were created but cannot be described`, { cause: error });
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function describeReplicas(admin: Admin, topics: string[]): Promise<TopicReplicaState[]> {
  const metadata = await admin.fetchTopicMetadata({ topics });
  const configs = await admin.describeConfigs({
    includeSynonyms: false,
    resources: topics.map((name) => ({
      type: ConfigResourceTypes.TOPIC,
      name,
      configNames: ['min.insync.replicas'],
    })),
  });
  const minInsync = new Map(
    configs.resources.map((resource) => {
      const value = resource.configEntries.find((entry) => entry.configName === 'min.insync.replicas')?.configValue;
      return [resource.resourceName, value === undefined ? undefined : Number(value)];
    }),
  );
  return metadata.topics.map((topic) => ({
    topic: topic.name,
    minInsyncReplicas: minInsync.get(topic.name),
    partitions: topic.partitions.map((p) => ({
      partitionId: p.partitionId,
      leader: p.leader,
      replicas: p.replicas,
      isr: p.isr,
    })),
  }));
}

/** True when the cluster answers a metadata request within the client's retry budget. */
export async function isKafkaReady(kafka: Kafka): Promise<boolean> {
  const admin = kafka.admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    await admin.describeCluster();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** The topics Tocsin uses, with the partition counts it creates them with. */
export function tocsinTopicSpecs(prefix: string, topics: Readonly<Record<string, string>>): TopicSpec[] {
  const partitions: Record<string, number> = {
    'mentions.raw': 6,
    'mentions.enriched': 6,
    'mentions.tallies': 6,
    'mentions.dlq': 3,
    'alerts.signals': 3,
    'alerts.events': 3,
    'replies.events': 3,
  };
  return Object.values(topics).map((topic) => ({ topic: `${prefix}${topic}`, numPartitions: partitions[topic] ?? 3 }));
}

/**
 * Tocsin's topics under the deployment's prefix, created and checked with its replication: what
 * every app does at start. A shortfall accepted in development is logged as a warning.
 */
export async function ensureTocsinTopics(
  kafka: Kafka,
  settings: Pick<KafkaSettings, 'topicPrefix' | 'replication'>,
  topics: Readonly<Record<string, string>>,
  logger: Pick<KafkaLogger, 'warn'>,
): Promise<void> {
  const accepted = await ensureTopics(kafka, tocsinTopicSpecs(settings.topicPrefix, topics), settings.replication);
  for (const problem of accepted) logger.warn(`under-replicated, accepted by KAFKA_ALLOW_UNDER_REPLICATED: ${problem}`);
}

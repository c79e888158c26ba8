import type { Kafka } from 'kafkajs';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
}

/** Creates missing topics with explicit partition counts; existing ones are left as they are. */
export async function ensureTopics(kafka: Kafka, topics: readonly TopicSpec[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((spec) => !existing.has(spec.topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((spec) => ({ topic: spec.topic, numPartitions: spec.numPartitions, replicationFactor: 1 })),
      });
    }
  } finally {
    await admin.disconnect();
  }
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
    'mentions.dlq': 3,
    'alerts.signals': 3,
    'alerts.events': 3,
  };
  return Object.values(topics).map((topic) => ({ topic: `${prefix}${topic}`, numPartitions: partitions[topic] ?? 3 }));
}

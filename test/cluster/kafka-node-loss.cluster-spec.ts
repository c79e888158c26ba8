import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { createKafka } from '@tocsin/kafka';
import type { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { loadIngestConfig } from '../../apps/ingest/src/config';
import { createIngestApp } from '../../apps/ingest/src/ingest.app';
import { aMention, toNdjson } from '../support/mention-fixtures';
import { isGroupCaughtUp, readWholeTopic } from '../support/test-infra';
import { createIngestKey, postMentions, startPipeline } from '../support/tocsin-apps';
import { waitUntil } from '../support/wait-for';
import { CLUSTER_ENV, killKafkaNode, reportFigure, reportLine, restartMissingNodes } from './cluster-infra';

const BATCHES = 30;
const PER_BATCH = 20;
const KILL_AFTER_BATCH = 10;

const quiet = { warn: () => undefined, error: () => undefined };

async function partitionsOf(kafka: Kafka, topic: string) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    return metadata?.partitions ?? [];
  } finally {
    await admin.disconnect();
  }
}

/**
 * The probe's answer, or undefined while a request fails: the test's own clients go through
 * the same outage, and their metadata may still name the dead node for a while.
 */
async function settled<T>(probe: () => Promise<T>): Promise<T | undefined> {
  try {
    return await probe();
  } catch {
    return undefined;
  }
}

describe('Kafka cluster: a node killed mid-stream', () => {
  const id = `c${randomUUID().slice(0, 8)}`;
  const env = {
    ...CLUSTER_ENV,
    KAFKA_TOPIC_PREFIX: `${id}.`,
    REDIS_KEY_PREFIX: `tocsin-cluster:${id}:`,
    PIPELINE_GROUP_ID: `${id}-pipeline`,
    PIPELINE_HEALTH_HOST: '127.0.0.1',
    PIPELINE_HEALTH_PORT: '0',
    INGEST_HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TOCSIN_TEST_VERBOSE === '1' ? 'log' : 'error',
  };
  const kafka = createKafka({ brokers: CLUSTER_ENV.KAFKA_BROKERS.split(','), clientId: id, topicPrefix: '' }, quiet);
  let ingest: INestApplication;
  let pipeline: INestApplicationContext;

  beforeAll(async () => {
    ingest = await createIngestApp(loadIngestConfig(env));
    await ingest.listen(0, '127.0.0.1');
    pipeline = await startPipeline(env);
  });

  afterAll(async () => {
    await pipeline?.close();
    await ingest?.close();
  });

  it('loses no mention, counts none twice, and the node rejoins once restarted', async () => {
    const ingestAt = {
      url: `http://127.0.0.1:${(ingest.getHttpServer().address() as AddressInfo).port}`,
      key: await createIngestKey(env),
    };
    const raw = `${id}.mentions.raw`;
    const partitions = await partitionsOf(kafka, raw);
    expect(partitions.every((p) => p.replicas.length === 3)).toBe(true);
    const victim = partitions[0]?.leader ?? 1;

    const posted: string[] = [];
    let killedAtMs = 0;
    let longestPostAfterKillMs = 0;
    let refusedRequests = 0;
    for (let batch = 0; batch < BATCHES; batch += 1) {
      const mentions = Array.from({ length: PER_BATCH }, () =>
        aMention({ text: `Fleurie Cosmetics, batch ${batch}: nothing special` }),
      );
      const startedMs = Date.now();
      // A batch refused while partitions change leaders is sent again, as a client would: the
      // pipeline must still count each mention once.
      const response = await waitUntil(
        `ingest to accept batch ${batch}`,
        async () => {
          const answer = await postMentions(ingestAt, toNdjson(mentions), 'application/x-ndjson');
          if (answer.status < 300) return answer;
          refusedRequests += 1;
          return undefined;
        },
        60_000,
      );
      expect(response.status).toBe(202);
      if (killedAtMs > 0) longestPostAfterKillMs = Math.max(longestPostAfterKillMs, Date.now() - startedMs);
      posted.push(...mentions.map((mention) => mention.id));
      if (batch === KILL_AFTER_BATCH) {
        killKafkaNode(victim);
        killedAtMs = Date.now();
      }
    }

    const newLeaders = await waitUntil(
      `partitions of ${raw} to leave node ${victim}`,
      async () => {
        const now = await settled(() => partitionsOf(kafka, raw));
        return now?.every((p) => p.leader >= 0 && p.leader !== victim) ? now : undefined;
      },
      30_000,
    );
    reportFigure(`kafka: partitions led by the killed node ${victim} moved (upper bound)`, Date.now() - killedAtMs);
    reportFigure('kafka: longest ingest request after the kill', longestPostAfterKillMs);
    reportLine(`kafka: ingest requests refused during the outage (sent again): ${refusedRequests}`);
    expect(newLeaders.every((p) => p.isr.length >= 2)).toBe(true);

    await waitUntil(
      'the pipeline to consume every raw mention',
      async () =>
        (await settled(() => isGroupCaughtUp(kafka, `${env.PIPELINE_GROUP_ID}-enrichment`, raw))) ? true : undefined,
      120_000,
    );
    reportFigure('kafka: node killed → pipeline caught up with every mention', Date.now() - killedAtMs);
    const enriched = await waitUntil(
      `every record of ${id}.mentions.enriched`,
      () => settled(() => readWholeTopic(kafka, `${id}.mentions.enriched`, 30_000)),
      90_000,
    );
    // Where each copy of a mention is stored (partition@offset): the same place twice is the
    // reader's double, two places the log's.
    const copies = new Map<string, string[]>();
    for (const message of enriched) {
      const mentionId = (JSON.parse(message.value?.toString() ?? '') as { id: string }).id;
      copies.set(mentionId, [...(copies.get(mentionId) ?? []), `${message.partition}@${message.offset}`]);
    }
    const missing = posted.filter((mentionId) => !copies.has(mentionId));
    // Which stage lost a mention, if one did: ingest (acknowledged, not in mentions.raw) or the
    // pipeline (in mentions.raw, never enriched).
    const inRaw = new Set(
      missing.length === 0
        ? []
        : (await readWholeTopic(kafka, raw, 30_000)).map(
            (message) => (JSON.parse(message.value?.toString() ?? '') as { id: string }).id,
          ),
    );
    expect({
      acknowledgedNotInRaw: missing.filter((mentionId) => !inRaw.has(mentionId)),
      inRawNotEnriched: missing.filter((mentionId) => inRaw.has(mentionId)),
    }).toEqual({ acknowledgedNotInRaw: [], inRawNotEnriched: [] });
    expect([...copies].filter(([, stored]) => stored.length > 1)).toEqual([]);
    expect(enriched).toHaveLength(BATCHES * PER_BATCH);

    const restartedAtMs = Date.now();
    await restartMissingNodes();
    await waitUntil(
      `node ${victim} back in sync on every partition of ${raw}`,
      async () =>
        (await settled(() => partitionsOf(kafka, raw)))?.every((p) => p.isr.includes(victim)) ? true : undefined,
      120_000,
    );
    reportFigure(`kafka: node ${victim} restarted and back in sync`, Date.now() - restartedAtMs);
  }, 300_000);
});

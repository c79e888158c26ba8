import type { RecordPublisher } from '@tocsin/kafka';
import type { PartitionCheckpointStore } from '@tocsin/redis';
import type { Kafka } from 'kafkajs';
import type { EnrichmentCheckpoint } from './enrichment.consumer';
import { holds, waitUntil } from '../../../test/support/wait-for';
import { SourceProgressReporter } from './source-progress.reporter';

/** A fake cluster of one caught-up partition whose second offsets read waits until released. */
function fakeCluster() {
  const events: string[] = [];
  let release: () => void = () => undefined;
  let reads = 0;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const admin = {
    connect: async () => undefined,
    disconnect: async () => {
      events.push('admin disconnected');
    },
    fetchTopicOffsets: async () => {
      reads += 1;
      if (reads === 2) {
        events.push('report under way');
        await held;
      }
      return [{ partition: 0, offset: '5', high: '5', low: '0' }];
    },
    fetchOffsets: async () => [{ topic: 'mentions.raw', partitions: [{ partition: 0, offset: '5', metadata: null }] }],
  };
  const publisher = {
    publish: async (topic: string) => {
      events.push(`published ${topic}`);
    },
  };
  const reporter = new SourceProgressReporter({
    kafka: { admin: () => admin } as unknown as Kafka,
    publisher: publisher as unknown as RecordPublisher,
    topicPrefix: '',
    enrichmentGroupId: 'enrichment',
    checkpoints: { load: async () => undefined } as unknown as PartitionCheckpointStore<EnrichmentCheckpoint>,
    brandIds: () => ['fleurie'],
    clock: { now: () => Date.now() },
    everyMs: 5,
    settleMs: 60_000,
    logger: { warn: (message: string) => events.push(`warned ${message}`) },
  });
  return { reporter, events, release };
}

describe('SourceProgressReporter', () => {
  it('finishes the report under way before it stops, so nothing is published after the producer goes', async () => {
    const { reporter, events, release } = fakeCluster();
    await reporter.start();
    await waitUntil(
      'a report to be under way',
      holds(() => events.includes('report under way')),
      2_000,
    );
    const stopped = reporter.stop().then(() => events.push('stopped'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events).not.toContain('stopped');
    release();
    await stopped;
    expect(events).toEqual(['report under way', 'published mentions.tallies', 'admin disconnected', 'stopped']);
    // No report is scheduled once stopped.
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(events.filter((event) => event.startsWith('published'))).toHaveLength(1);
  });
});

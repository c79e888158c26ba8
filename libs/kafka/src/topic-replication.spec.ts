import { findReplicationProblems, type TopicReplicaState } from './topic-replication';

const cluster = { factor: 3, minInsyncReplicas: 2 };

function topic(
  partitions: Array<{ replicas: number[]; isr: number[]; leader?: number }>,
  minInsyncReplicas: number | undefined = 2,
): TopicReplicaState {
  return {
    topic: 'mentions.raw',
    minInsyncReplicas,
    partitions: partitions.map((p, partitionId) => ({ partitionId, leader: p.leader ?? p.isr[0] ?? -1, ...p })),
  };
}

describe(findReplicationProblems.name, () => {
  it('accepts fully replicated topics', () => {
    const healthy = topic([
      { replicas: [1, 2, 3], isr: [1, 2, 3] },
      { replicas: [2, 3, 1], isr: [2, 3, 1] },
    ]);
    expect(findReplicationProblems([healthy], cluster)).toEqual([]);
  });

  it('accepts a partition missing one in-sync replica while min.insync.replicas still hold it', () => {
    const oneNodeDown = topic([{ replicas: [1, 2, 3], isr: [1, 2] }]);
    expect(findReplicationProblems([oneNodeDown], cluster)).toEqual([]);
  });

  it('names the partitions created with fewer replicas than asked', () => {
    const dev = topic(
      [
        { replicas: [1], isr: [1] },
        { replicas: [1], isr: [1] },
      ],
      1,
    );
    expect(findReplicationProblems([dev], cluster)).toEqual([
      'mentions.raw: partitions 0,1 with 1 replica, KAFKA_REPLICATION_FACTOR asks 3',
      'mentions.raw: min.insync.replicas is 1, KAFKA_MIN_INSYNC_REPLICAS asks 2',
    ]);
  });

  it('names partitions whose writes would be refused: no leader or too few in sync', () => {
    const twoDown = topic([
      { replicas: [1, 2, 3], isr: [1] },
      { replicas: [1, 2, 3], isr: [], leader: -1 },
      { replicas: [1, 2, 3], isr: [1, 2, 3] },
    ]);
    expect(findReplicationProblems([twoDown], cluster)).toEqual([
      'mentions.raw: partitions 0,1 without a leader or with fewer than 2 in-sync replicas (writes to them are refused)',
    ]);
  });

  it('accepts the single dev broker at one replica', () => {
    const dev = topic([{ replicas: [1], isr: [1] }], 1);
    expect(findReplicationProblems([dev], { factor: 1, minInsyncReplicas: 1 })).toEqual([]);
  });
});

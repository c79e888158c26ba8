/** How many copies Tocsin's topics must keep, and whether fewer are tolerated (development). */
export interface TopicReplication {
  /** Replicas of each partition. */
  factor: number;
  /** Replicas that must hold a record before an acks=all write succeeds (topic config). */
  minInsyncReplicas: number;
  /** Development only: report a shortfall instead of refusing to start. */
  allowUnderReplicated: boolean;
}

/** The single dev broker: one copy of everything. */
export const SINGLE_BROKER_REPLICATION: TopicReplication = {
  factor: 1,
  minInsyncReplicas: 1,
  allowUnderReplicated: false,
};

/** What the cluster says about one topic. */
export interface TopicReplicaState {
  topic: string;
  /** The topic's min.insync.replicas; undefined when the broker did not say. */
  minInsyncReplicas: number | undefined;
  partitions: ReadonlyArray<{ partitionId: number; leader: number; replicas: number[]; isr: number[] }>;
}

function partitionList(ids: number[]): string {
  return `partition${ids.length > 1 ? 's' : ''} ${ids.join(',')}`;
}

/**
 * Why the topics cannot keep the promised copies, one line per topic and cause; empty when they
 * can. A partition with fewer in-sync replicas than its replicas but at least
 * min.insync.replicas is not reported: that is one node down or catching up, which a cluster
 * is built to ride out, and an app restarted meanwhile must start.
 */
export function findReplicationProblems(
  topics: readonly TopicReplicaState[],
  required: Pick<TopicReplication, 'factor' | 'minInsyncReplicas'>,
): string[] {
  const problems: string[] = [];
  for (const state of topics) {
    const tooFewReplicas = state.partitions.filter((p) => p.replicas.length < required.factor);
    if (tooFewReplicas.length > 0) {
      const have = Math.min(...tooFewReplicas.map((p) => p.replicas.length));
      problems.push(
        `${state.topic}: ${partitionList(tooFewReplicas.map((p) => p.partitionId))} with ${have} replica${have === 1 ? '' : 's'}, KAFKA_REPLICATION_FACTOR asks ${required.factor}`,
      );
    }
    if (state.minInsyncReplicas !== undefined && state.minInsyncReplicas < required.minInsyncReplicas) {
      problems.push(
        `${state.topic}: min.insync.replicas is ${state.minInsyncReplicas}, KAFKA_MIN_INSYNC_REPLICAS asks ${required.minInsyncReplicas}`,
      );
    }
    const floor = Math.max(state.minInsyncReplicas ?? 1, 1);
    const refusing = state.partitions.filter((p) => p.leader < 0 || p.isr.length < floor);
    if (refusing.length > 0) {
      problems.push(
        `${state.topic}: ${partitionList(refusing.map((p) => p.partitionId))} without a leader or with fewer than ${floor} in-sync replicas (writes to them are refused)`,
      );
    }
  }
  return problems;
}

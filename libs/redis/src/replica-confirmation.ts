import { TocsinError } from '@tocsin/domain';
import type Redis from 'ioredis';

/** How many replicas must hold a write before it counts, and how long to wait for them. */
export interface ReplicaConfirmation {
  replicas: number;
  timeoutMs: number;
}

/** One Redis, no replica to wait for (the single dev server). */
export const NO_REPLICA_CONFIRMATION: ReplicaConfirmation = { replicas: 0, timeoutMs: 0 };

/** What a confirmation found: `degraded` when fewer replicas than asked held the write in time. */
export interface ReplicaAcknowledgement {
  acknowledged: number;
  degraded: boolean;
}

/**
 * The client reconnected, possibly to a newly promoted primary, between the write and its
 * confirmation: nothing vouches for the write any more. Read it back before acting on it.
 */
export class UnconfirmedWriteError extends TocsinError {
  constructor(what: string) {
    super(
      'redis.unconfirmed-write',
      `${what}: the Redis connection changed before replicas confirmed the write; it may have been lost in a failover`,
    );
  }
}

const connectionEpochs = new WeakMap<Redis, { value: number }>();

/** Counts the client's (re)connections, so a confirmation can tell whether it spans two servers. */
function connectionEpoch(redis: Redis): { value: number } {
  let epoch = connectionEpochs.get(redis);
  if (!epoch) {
    const counter = { value: 0 };
    redis.on('ready', () => {
      counter.value += 1;
    });
    connectionEpochs.set(redis, counter);
    epoch = counter;
  }
  return epoch;
}

/**
 * Waits until the writes this connection made so far are held by `replicas` replicas (Redis
 * WAIT). Replication is asynchronous: a write the primary acknowledged is lost if the primary
 * dies before a replica has it and that replica is promoted. Call it after a write that must
 * survive a failover and before acting on it (publishing, paging).
 *
 * Fewer replicas within the timeout (one down, or lagging) is `degraded`, not an error: the
 * primary that holds the write is still the one serving, and a set with no replica left has
 * nothing a failover could promote over it. A reconnection during the wait throws
 * UnconfirmedWriteError: WAIT would then vouch for the new server, not for the write.
 */
export async function confirmOnReplicas(
  redis: Redis,
  confirmation: ReplicaConfirmation,
  what: string,
): Promise<ReplicaAcknowledgement> {
  if (confirmation.replicas === 0) return { acknowledged: 0, degraded: false };
  const epoch = connectionEpoch(redis);
  const before = epoch.value;
  const acknowledged = await redis.wait(confirmation.replicas, confirmation.timeoutMs);
  if (epoch.value !== before) throw new UnconfirmedWriteError(what);
  return { acknowledged, degraded: acknowledged < confirmation.replicas };
}

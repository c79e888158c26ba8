import type { Clock } from '@tocsin/domain';
import type { Socket } from 'socket.io';
import { admitCommand, fullBucket, type SocketLimits } from './socket-limits';

/** A command whose answer never comes (its handler failed) stops counting as pending after this. */
const PENDING_RELEASE_MS = 30_000;

export interface SocketGuardLogger {
  warn(message: string): void;
}

type Ack = (...answer: unknown[]) => void;

/**
 * Holds one socket to its limits before any handler runs: a command beyond its rate or its
 * pending answers is answered at once through its ack with `{ ok: false, error: { code,
 * message } }` and never reaches a handler, so a flood costs the server a few bytes per event
 * instead of a Redis read and an answer each. A command sent without an ack is dropped.
 */
export function guardSocket(socket: Socket, limits: SocketLimits, clock: Clock, logger: SocketGuardLogger): void {
  let bucket = fullBucket(limits, clock.now());
  let pending = 0;
  let refused = 0;
  socket.use((packet, next) => {
    const last: unknown = packet[packet.length - 1];
    const ack = typeof last === 'function' ? (last as Ack) : undefined;
    const admitted = admitCommand(bucket, pending, clock.now(), limits);
    bucket = admitted.bucket;
    if (admitted.refused) {
      refused += 1;
      ack?.({ ok: false, error: admitted.refused });
      return;
    }
    if (ack) {
      pending += 1;
      let settled = false;
      const settle = (): void => {
        if (settled) return;
        settled = true;
        pending -= 1;
        clearTimeout(release);
      };
      const release = setTimeout(settle, PENDING_RELEASE_MS);
      // socket.io hands the same array to the handler: the wrapped ack frees the slot when answered.
      packet[packet.length - 1] = (...answer: unknown[]) => {
        settle();
        ack(...answer);
      };
    }
    next();
  });
  socket.on('disconnect', () => {
    if (refused > 0) logger.warn(`socket ${socket.id} had ${refused} command(s) refused for its limits`);
  });
}

import type { Socket } from 'socket.io-client';

/** Resolves with the first `event` payload matching `predicate`; fails naming what it waited for. */
export function waitForEvent<T>(
  socket: Socket,
  event: string,
  predicate: (payload: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for "${event}" matching ${predicate.toString()}`));
    }, timeoutMs);
    const listener = (payload: T): void => {
      if (!predicate(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(payload);
    };
    socket.on(event, listener);
  });
}

/** Polls `probe` until it returns a value other than undefined; fails naming `what`. */
export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A probe for {@link waitUntil} from a synchronous condition. */
export function holds(condition: () => boolean): () => Promise<true | undefined> {
  return async () => (condition() ? true : undefined);
}

/** Collects every `event` payload a socket receives, for assertions on what did not arrive. */
export function recordEvents<T>(socket: Socket, event: string): T[] {
  const received: T[] = [];
  socket.on(event, (payload: T) => received.push(payload));
  return received;
}

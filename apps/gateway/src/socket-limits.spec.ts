import { admitCommand, DEFAULT_SOCKET_LIMITS, fullBucket, takeToken, type SocketLimits } from './socket-limits';

const limits: SocketLimits = { ...DEFAULT_SOCKET_LIMITS, ratePerSecond: 10, burst: 3, maxPending: 2 };

describe(takeToken.name, () => {
  it('lets a burst through at once, then refuses until time refills the bucket', () => {
    let bucket = fullBucket(limits, 0);
    const allowed: boolean[] = [];
    for (let i = 0; i < 5; i += 1) {
      const taken = takeToken(bucket, 0, limits);
      bucket = taken.bucket;
      allowed.push(taken.allowed);
    }
    expect(allowed).toEqual([true, true, true, false, false]);
    expect(takeToken(bucket, 99, limits).allowed).toBe(false);
    expect(takeToken(bucket, 100, limits).allowed).toBe(true);
  });

  it('never holds more than the burst, however long the socket was quiet', () => {
    const { bucket } = takeToken(fullBucket(limits, 0), 3_600_000, limits);
    expect(bucket.tokens).toBe(limits.burst - 1);
  });
});

describe(admitCommand.name, () => {
  it('refuses with too_many_pending when the socket already waits for maxPending answers', () => {
    const result = admitCommand(fullBucket(limits, 0), 2, 0, limits);
    expect(result.refused?.code).toBe('too_many_pending');
    expect(result.bucket.tokens).toBe(limits.burst);
  });

  it('refuses with rate_limited once the bucket is empty', () => {
    const result = admitCommand({ tokens: 0.5, atMs: 0 }, 0, 0, limits);
    expect(result.refused).toEqual({
      code: 'rate_limited',
      message: 'more than 10 commands per second (burst 3) from this socket; retry later',
    });
  });

  it('admits a command within both limits and takes a token', () => {
    const result = admitCommand(fullBucket(limits, 0), 1, 0, limits);
    expect(result.refused).toBeUndefined();
    expect(result.bucket.tokens).toBe(2);
  });
});

/** What one socket may ask of the gateway; every limit has a named error code. */
export interface SocketLimits {
  /** Commands per second a socket may send, on average. */
  ratePerSecond: number;
  /** Commands a socket may send at once after a quiet spell (the bucket's size). */
  burst: number;
  /** Commands of one socket being answered at the same time; more wait for none, they are refused. */
  maxPending: number;
  /** Brand rooms one socket may be in. */
  maxBrands: number;
  /** Largest message a client may send, bytes (socket.io's maxHttpBufferSize). */
  maxPayloadBytes: number;
}

export const DEFAULT_SOCKET_LIMITS: Readonly<SocketLimits> = {
  ratePerSecond: 10,
  burst: 20,
  maxPending: 4,
  maxBrands: 50,
  maxPayloadBytes: 64 * 1024,
};

export type SocketLimitCode = 'rate_limited' | 'too_many_pending' | 'too_many_subscriptions';

/** A token bucket: `tokens` left at `atMs`. Plain data, one per socket. */
export interface TokenBucket {
  tokens: number;
  atMs: number;
}

export function fullBucket(limits: Pick<SocketLimits, 'burst'>, nowMs: number): TokenBucket {
  return { tokens: limits.burst, atMs: nowMs };
}

/**
 * Refills the bucket for the time elapsed since it was last used, then takes one token if there
 * is one. A socket can send `burst` commands at once and `ratePerSecond` on average after that.
 * @returns the next bucket and whether the command may run
 */
export function takeToken(
  bucket: TokenBucket,
  nowMs: number,
  limits: Pick<SocketLimits, 'burst' | 'ratePerSecond'>,
): { bucket: TokenBucket; allowed: boolean } {
  const elapsedMs = Math.max(0, nowMs - bucket.atMs);
  const tokens = Math.min(limits.burst, bucket.tokens + (elapsedMs * limits.ratePerSecond) / 1000);
  if (tokens < 1) return { bucket: { tokens, atMs: nowMs }, allowed: false };
  return { bucket: { tokens: tokens - 1, atMs: nowMs }, allowed: true };
}

/**
 * Whether one socket may run one more command now: within its rate and with fewer than
 * maxPending commands of its own still being answered.
 */
export function admitCommand(
  bucket: TokenBucket,
  pending: number,
  nowMs: number,
  limits: SocketLimits,
): { bucket: TokenBucket; refused?: { code: SocketLimitCode; message: string } } {
  if (pending >= limits.maxPending) {
    return {
      bucket,
      refused: {
        code: 'too_many_pending',
        message: `${pending} commands of this socket are still being answered; at most ${limits.maxPending} at once`,
      },
    };
  }
  const taken = takeToken(bucket, nowMs, limits);
  if (!taken.allowed) {
    return {
      bucket: taken.bucket,
      refused: {
        code: 'rate_limited',
        message: `more than ${limits.ratePerSecond} commands per second (burst ${limits.burst}) from this socket; retry later`,
      },
    };
  }
  return { bucket: taken.bucket };
}

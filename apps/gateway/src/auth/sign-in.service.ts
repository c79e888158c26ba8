import type { UserRecord } from '@tocsin/access';
import type { RedisKeys, UserStore } from '@tocsin/redis';
import type Redis from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { LoginLimits } from '../config';
import { verifyAgainstDecoy, verifyPassword } from './password.hasher';

export type SignInResult =
  | { ok: true; user: UserRecord }
  | { ok: false; code: 'invalid_credentials' }
  | { ok: false; code: 'rate_limited'; retryAfterMs: number };

/**
 * Password sign-in. Failures are counted in Redis (rate-limiter-flexible), so every gateway
 * instance shares the count: per username and address (stops guessing one account), and ten
 * times that per address (stops spraying many accounts from one place). A success clears the
 * first count only. A wrong name costs the time of a real hash check.
 */
export class SignInService {
  private readonly perAccount: RateLimiterRedis;
  private readonly perAddress: RateLimiterRedis;

  constructor(
    redis: Redis,
    keys: RedisKeys,
    private readonly users: UserStore,
    limits: LoginLimits,
  ) {
    const duration = Math.ceil(limits.windowMs / 1000);
    this.perAccount = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: keys.key('sign-in-failures', 'account'),
      points: limits.maxFailures,
      duration,
    });
    this.perAddress = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: keys.key('sign-in-failures', 'address'),
      points: limits.maxFailures * 10,
      duration,
    });
  }

  async signIn(username: string, password: string, address: string): Promise<SignInResult> {
    const accountKey = `${username}|${address}`;
    const [account, place] = await Promise.all([this.perAccount.get(accountKey), this.perAddress.get(address)]);
    const blocked = isSpent(account, this.perAccount.points)
      ? account
      : isSpent(place, this.perAddress.points)
        ? place
        : null;
    if (blocked) return { ok: false, code: 'rate_limited', retryAfterMs: blocked.msBeforeNext };

    const user = await this.users.get(username);
    const valid =
      user && !user.disabled && user.passwordHash
        ? await verifyPassword(password, user.passwordHash)
        : await verifyAgainstDecoy(password);
    if (valid && user) {
      await this.perAccount.delete(accountKey);
      return { ok: true, user };
    }
    await Promise.all([consume(this.perAccount, accountKey), consume(this.perAddress, address)]);
    return { ok: false, code: 'invalid_credentials' };
  }
}

function isSpent(res: RateLimiterRes | null, points: number): res is RateLimiterRes {
  return res !== null && res.consumedPoints >= points;
}

/** Counts one failure; going over the limit is the expected outcome here, not an error. */
async function consume(limiter: RateLimiterRedis, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
  }
}

import { toActor, type Actor } from '@tocsin/access';
import type { Clock } from '@tocsin/domain';
import type { RedisKeys, UserStore } from '@tocsin/redis';
import RedisStore from 'connect-redis';
import type { RequestHandler } from 'express';
import session, { type SessionData } from 'express-session';
import type Redis from 'ioredis';
import { createHash, randomBytes } from 'node:crypto';
import type { SessionSettings } from '../config';

declare module 'express-session' {
  interface SessionData {
    /** The signed-in account; its role and brands are read again on every use. */
    username: string;
    signedInAtMs: number;
    /** Synchronizer token: every state-changing HTTP call carries it in `x-csrf-token`. */
    csrfToken: string;
  }
}

/** `__Host-` binds the cookie to this origin (HTTPS only, no Domain, Path=/). */
export function sessionCookieName(settings: SessionSettings): string {
  return settings.secureCookie ? '__Host-tocsin.sid' : 'tocsin.sid';
}

export type SessionCheck =
  | { ok: true; actor: Actor }
  | { ok: false; code: 'unauthenticated' | 'session_expired' | 'account_disabled'; message: string };

/**
 * Sessions in Redis through express-session and connect-redis, so a cookie one gateway
 * issued is honoured by every other. The idle limit is the Redis key's TTL (renewed on each
 * use, `rolling`); the absolute limit is checked against the sign-in time kept in the session.
 */
export class SessionGate {
  readonly store: RedisStore;
  readonly middleware: RequestHandler;

  constructor(
    redis: Redis,
    keys: RedisKeys,
    private readonly users: UserStore,
    private readonly settings: SessionSettings,
    private readonly clock: Clock,
  ) {
    this.store = new RedisStore({ client: redis, prefix: keys.key('session', '') });
    this.middleware = session({
      name: sessionCookieName(settings),
      secret: settings.secret,
      store: this.store,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      unset: 'destroy',
      cookie: { httpOnly: true, sameSite: 'lax', secure: settings.secureCookie, maxAge: settings.idleMs, path: '/' },
    });
  }

  newCsrfToken(): string {
    return randomBytes(32).toString('base64url');
  }

  /**
   * Whether a session's content still admits its user: signed in, within the absolute limit,
   * the account still there and enabled. The actor carries the account's current role.
   */
  async check(data: Partial<SessionData> | undefined): Promise<SessionCheck> {
    if (!data?.username || data.signedInAtMs === undefined) {
      return { ok: false, code: 'unauthenticated', message: 'sign in first: POST /v1/session' };
    }
    if (this.clock.now() - data.signedInAtMs > this.settings.absoluteMs) {
      return { ok: false, code: 'session_expired', message: 'the session has expired: sign in again' };
    }
    const user = await this.users.get(data.username);
    if (!user || user.disabled) {
      return { ok: false, code: 'account_disabled', message: `account "${data.username}" is disabled or removed` };
    }
    return { ok: true, actor: toActor(user) };
  }

  /** The stored session, or undefined once it was destroyed or its idle time ran out. */
  load(sessionId: string): Promise<SessionData | undefined> {
    return new Promise((done, fail) =>
      this.store.get(sessionId, (error, data) => (error ? fail(error as Error) : done(data ?? undefined))),
    );
  }

  /** Renews the idle limit from a socket command, as an HTTP call does through `rolling`. */
  touch(sessionId: string, data: SessionData): Promise<void> {
    // connect-redis sets the key's TTL from the cookie's expiry: move it as the cookie would move.
    const renewed = { ...data, cookie: { ...data.cookie, expires: new Date(this.clock.now() + this.settings.idleMs) } };
    return new Promise((done, fail) =>
      this.store.touch(sessionId, renewed as SessionData, (error?: unknown) => (error ? fail(error as Error) : done())),
    );
  }
}

/** The socket.io room of one session's sockets, named by a hash so the id travels nowhere. */
export function sessionRoom(sessionId: string): string {
  return `session:${createHash('sha256').update(sessionId).digest('base64url').slice(0, 32)}`;
}

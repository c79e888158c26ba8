import { userRecordSchema, type UserRecord } from '@tocsin/access';
import type Redis from 'ioredis';
import type { RedisKeys } from './redis.factory';

/**
 * Sign-in accounts, one hash field per username. A team has tens of users, not millions: a
 * look-up by e-mail or identity-provider subject reads them all rather than keeping indexes
 * that could drift from the records.
 */
export class UserStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  private hashKey(): string {
    return this.keys.key('users');
  }

  async get(username: string): Promise<UserRecord | undefined> {
    const raw = await this.redis.hget(this.hashKey(), username);
    return raw === null ? undefined : this.parse(username, raw);
  }

  async put(user: UserRecord): Promise<void> {
    await this.redis.hset(this.hashKey(), user.username, JSON.stringify(userRecordSchema.parse(user)));
  }

  /** Writes the user only when the name is free. @returns false when it was taken */
  async add(user: UserRecord): Promise<boolean> {
    return (await this.redis.hsetnx(this.hashKey(), user.username, JSON.stringify(userRecordSchema.parse(user)))) === 1;
  }

  async list(): Promise<UserRecord[]> {
    const all = await this.redis.hgetall(this.hashKey());
    return Object.entries(all)
      .map(([username, raw]) => this.parse(username, raw))
      .sort((a, b) => a.username.localeCompare(b.username));
  }

  /** The account an identity provider's subject was linked to, else the one with that e-mail. */
  async findForIdentity(subject: string, email: string | undefined): Promise<UserRecord | undefined> {
    const users = await this.list();
    const bySubject = users.find((user) => user.oidcSubject === subject);
    if (bySubject || email === undefined) return bySubject;
    const wanted = email.toLowerCase();
    return users.find((user) => user.oidcSubject === undefined && user.email?.toLowerCase() === wanted);
  }

  private parse(username: string, raw: string): UserRecord {
    const parsed = userRecordSchema.safeParse(JSON.parse(raw));
    if (!parsed.success) {
      throw new Error(`user "${username}" in ${this.hashKey()} is unreadable: ${parsed.error.issues[0]?.message}`);
    }
    return parsed.data;
  }
}

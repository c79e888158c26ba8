import { outboxMessageSchema, type OutboxMessage, type WEBHOOK_FORMATS } from '@tocsin/alerting';
import type Redis from 'ioredis';
import { DueQueue } from './due-queue';
import type { RedisKeys } from './redis.factory';

/** One attempt at a webhook or an e-mail, as the console and the API show it; the URL is stored redacted. */
export interface WebhookDelivery {
  /** The page's idempotency key. */
  key: string;
  /** The webhook's scheme and host, or `mailto:` and the address for an e-mail. */
  url: string;
  format: (typeof WEBHOOK_FORMATS)[number] | 'email';
  /** `sending` stays only when the sender died during the attempt. */
  status: 'sending' | 'delivered' | 'retrying' | 'failed';
  attempts: number;
  atMs: number;
  error?: string;
}

/** A message the relay has taken: `member` names it in the queue until it is finished. */
export interface ClaimedMessage {
  member: string;
  message: OutboxMessage;
}

type Multi = ReturnType<Redis['multi']>;

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

/**
 * The transactional outbox: messages written in the same MULTI as the alert change that
 * produced them, a due queue the relay claims them from with a lease (so a relay that dies
 * mid-send gives them back), and the log of every webhook attempt per alert.
 */
export class OutboxStore {
  readonly queue: DueQueue;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    this.queue = new DueQueue(redis, keys.key('outbox', 'due'));
  }

  private messagesKey(): string {
    return this.keys.key('outbox', 'messages');
  }

  private deliveriesKey(alertId: string): string {
    return this.keys.key('alert-deliveries', alertId);
  }

  /**
   * Queues `messages` inside the caller's MULTI, due at `atMs`. Members sort by time, then by
   * position: the queue hands a change's messages out in the order they were composed.
   */
  addTo(multi: Multi, atMs: number, messages: readonly OutboxMessage[]): void {
    messages.forEach((message, index) => {
      const member = `${pad(atMs, 15)}.${pad(index, 4)}.${message.key}`;
      multi.hset(this.messagesKey(), member, JSON.stringify(message));
      multi.zadd(this.queue.key, atMs, member);
    });
  }

  /**
   * Queues messages that no alert change carries (a crisis report once its incident is
   * resolved), due at `atMs`: the same message queued again while it waits is one member.
   */
  async enqueue(atMs: number, messages: readonly OutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const multi = this.redis.multi();
    this.addTo(multi, atMs, messages);
    await multi.exec();
  }

  /** Takes up to `limit` due messages for `leaseMs`; members whose message is gone are dropped. */
  async claimDue(nowMs: number, leaseMs: number, limit: number): Promise<ClaimedMessage[]> {
    const members = await this.queue.claimDue(nowMs, leaseMs, limit);
    if (members.length === 0) return [];
    const raws = await this.redis.hmget(this.messagesKey(), ...members);
    const claimed: ClaimedMessage[] = [];
    const gone: string[] = [];
    members.forEach((member, index) => {
      const raw = raws[index];
      const parsed = raw ? outboxMessageSchema.safeParse(JSON.parse(raw)) : undefined;
      if (parsed?.success) claimed.push({ member, message: parsed.data });
      else gone.push(member);
    });
    if (gone.length > 0) await this.redis.zrem(this.queue.key, ...gone);
    return claimed.sort((a, b) => a.member.localeCompare(b.member));
  }

  /** Sent for good (or given up): the message leaves the outbox, with its last attempt logged. */
  async finish(members: readonly string[], delivery?: { alertId: string; delivery: WebhookDelivery }): Promise<void> {
    if (members.length === 0) return;
    const multi = this.redis
      .multi()
      .hdel(this.messagesKey(), ...members)
      .zrem(this.queue.key, ...members);
    if (delivery) this.logTo(multi, delivery.alertId, delivery.delivery);
    await multi.exec();
  }

  /**
   * Records an attempt about to be made and its count on the message before the request goes
   * out, and keeps the claim until `leaseUntilMs`, past the request's timeout.
   */
  async startAttempt(
    member: string,
    message: OutboxMessage,
    delivery: WebhookDelivery,
    leaseUntilMs: number,
  ): Promise<void> {
    const multi = this.redis
      .multi()
      .hset(this.messagesKey(), member, JSON.stringify(message))
      .zadd(this.queue.key, leaseUntilMs, member);
    this.logTo(multi, message.alertId, delivery);
    await multi.exec();
  }

  /** A recoverable failure: logged, and the message due again at `dueAtMs`. */
  async retryAt(member: string, alertId: string, dueAtMs: number, delivery: WebhookDelivery): Promise<void> {
    const multi = this.redis.multi().zadd(this.queue.key, dueAtMs, member);
    this.logTo(multi, alertId, delivery);
    await multi.exec();
  }

  /** Every webhook attempt for the alert, oldest first. */
  async deliveries(alertId: string): Promise<WebhookDelivery[]> {
    const raws = await this.redis.hvals(this.deliveriesKey(alertId));
    return raws
      .map((raw) => JSON.parse(raw) as WebhookDelivery)
      .sort((a, b) => a.atMs - b.atMs || a.attempts - b.attempts);
  }

  /** Messages not yet sent for good. */
  pending(): Promise<number> {
    return this.redis.zcard(this.queue.key);
  }

  /** One field per attempt: the outcome of an attempt replaces its `sending` entry. */
  private logTo(multi: Multi, alertId: string, delivery: WebhookDelivery): void {
    multi.hset(this.deliveriesKey(alertId), `${delivery.key}#${delivery.attempts}`, JSON.stringify(delivery));
  }
}

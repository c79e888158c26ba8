import { Logger } from '@nestjs/common';
import type { Clock } from '@tocsin/domain';
import { DueQueue, type RedisKeys } from '@tocsin/redis';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

export const webhookJobSchema = z.object({
  id: z.string(),
  alertId: z.string(),
  url: z.string().url(),
  format: z.enum(['json', 'slack']),
  body: z.unknown(),
  attempts: z.number().int().nonnegative(),
  lastError: z.string().optional(),
});
export type WebhookJob = z.infer<typeof webhookJobSchema>;

export interface WebhookDelivery {
  jobId: string;
  url: string;
  format: WebhookJob['format'];
  status: 'delivered' | 'retrying' | 'failed';
  attempts: number;
  atMs: number;
  error?: string;
}

export const WEBHOOK_MAX_ATTEMPTS = 6;
const TIMEOUT_MS = 5_000;

/** 1 s, 2 s, 4 s … capped at 5 min, between attempts. */
export function webhookBackoffMs(attempts: number): number {
  return Math.min(1_000 * 2 ** Math.max(0, attempts - 1), 300_000);
}

/** Client errors other than throttling will not get better by retrying (Alertmanager's rule). */
export function isRecoverableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

/**
 * Durable webhook deliveries: jobs live in Redis until delivered or given up on, are retried
 * with exponential backoff by whichever gateway instance claims them, and every attempt's
 * outcome is kept per alert so failures are visible on the console and the API.
 */
export class WebhookOutbox {
  private readonly queue: DueQueue;
  private readonly logger = new Logger(WebhookOutbox.name);

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly clock: Clock,
  ) {
    this.queue = new DueQueue(redis, keys.key('webhooks', 'due'));
  }

  private jobKey(jobId: string): string {
    return this.keys.key('webhook-job', jobId);
  }

  private deliveriesKey(alertId: string): string {
    return this.keys.key('alert-deliveries', alertId);
  }

  async enqueue(alertId: string, url: string, format: WebhookJob['format'], body: unknown): Promise<void> {
    const job: WebhookJob = { id: randomUUID(), alertId, url, format, body, attempts: 0 };
    await this.redis.set(this.jobKey(job.id), JSON.stringify(job));
    await this.queue.schedule(job.id, this.clock.now());
  }

  async deliveries(alertId: string): Promise<WebhookDelivery[]> {
    const raws = await this.redis.lrange(this.deliveriesKey(alertId), 0, -1);
    return raws.map((raw) => JSON.parse(raw) as WebhookDelivery);
  }

  /** Sends what is due; called on a timer by every gateway instance. */
  async deliverDue(limit = 20): Promise<void> {
    const ids = await this.queue.claimDue(this.clock.now(), 30_000, limit);
    await Promise.all(ids.map((id) => this.deliver(id)));
  }

  private async deliver(jobId: string): Promise<void> {
    const raw = await this.redis.get(this.jobKey(jobId));
    const parsed = raw === null ? undefined : webhookJobSchema.safeParse(JSON.parse(raw));
    if (!parsed?.success) {
      await this.queue.cancel(jobId);
      return;
    }
    const job = { ...parsed.data, attempts: parsed.data.attempts + 1 };
    const outcome = await this.post(job);
    const nowMs = this.clock.now();
    const giveUp = !outcome.ok && (!outcome.recoverable || job.attempts >= WEBHOOK_MAX_ATTEMPTS);
    const status: WebhookDelivery['status'] = outcome.ok ? 'delivered' : giveUp ? 'failed' : 'retrying';
    const delivery: WebhookDelivery = {
      jobId,
      url: job.url,
      format: job.format,
      status,
      attempts: job.attempts,
      atMs: nowMs,
      error: outcome.error,
    };
    const multi = this.redis.multi().rpush(this.deliveriesKey(job.alertId), JSON.stringify(delivery));
    if (status === 'retrying') {
      multi.set(this.jobKey(jobId), JSON.stringify({ ...job, lastError: outcome.error }));
      multi.zadd(this.queue.key, nowMs + webhookBackoffMs(job.attempts), jobId);
    } else {
      multi.del(this.jobKey(jobId));
      multi.zrem(this.queue.key, jobId);
    }
    await multi.exec();
    if (status !== 'delivered')
      this.logger.warn(
        `webhook ${job.url} for alert ${job.alertId}: ${status} after ${job.attempts} attempt(s): ${outcome.error}`,
      );
  }

  private async post(
    job: WebhookJob,
  ): Promise<{ ok: true; error?: undefined } | { ok: false; recoverable: boolean; error: string }> {
    try {
      const response = await fetch(job.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'tocsin-webhook/1' },
        body: JSON.stringify(job.body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (response.ok) return { ok: true };
      return { ok: false, recoverable: isRecoverableStatus(response.status), error: `HTTP ${response.status}` };
    } catch (error) {
      return { ok: false, recoverable: true, error: error instanceof Error ? error.message : String(error) };
    }
  }
}

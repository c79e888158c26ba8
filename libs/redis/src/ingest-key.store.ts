import {
  formatIngestKey,
  hashIngestKey,
  INGEST_KEY_ID_BYTES,
  ingestKeyId,
  INGEST_KEY_SECRET_BYTES,
  ingestKeyRecordSchema,
  type IngestKeyRecord,
} from '@tocsin/domain';
import type Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import type { RedisKeys } from './redis.factory';

export interface NewIngestKey {
  /** The key itself: shown once, to whoever created it; only its hash is stored. */
  key: string;
  record: IngestKeyRecord;
}

/**
 * Ingest API keys in one Redis hash, id → record. A revoked key keeps its record (with
 * `revokedAtMs`) so lists and refusals can say when it was revoked.
 */
export class IngestKeyStore {
  private readonly hash: string;

  constructor(
    private readonly redis: Redis,
    keys: RedisKeys,
  ) {
    this.hash = keys.key('ingest-keys');
  }

  async create(source: string, brandIds: readonly string[] | null, nowMs: number): Promise<NewIngestKey> {
    const key = formatIngestKey(randomBytes(INGEST_KEY_ID_BYTES), randomBytes(INGEST_KEY_SECRET_BYTES));
    const record = ingestKeyRecordSchema.parse({
      id: ingestKeyId(key),
      source,
      brandIds: brandIds === null ? null : [...brandIds],
      sha256: hashIngestKey(key),
      createdAtMs: nowMs,
      revokedAtMs: null,
    });
    // 48 random bits: a clash is a one-in-trillions event, refused rather than overwriting a key.
    if ((await this.redis.hsetnx(this.hash, record.id, JSON.stringify(record))) === 0) {
      throw new Error(`ingest key id ${record.id} already exists; run the command again`);
    }
    return { key, record };
  }

  async find(id: string): Promise<IngestKeyRecord | null> {
    const stored = await this.redis.hget(this.hash, id);
    return stored === null ? null : this.parse(id, stored);
  }

  /** Marks the key revoked (kept for the record); null when there is no such key. */
  async revoke(id: string, nowMs: number): Promise<IngestKeyRecord | null> {
    const record = await this.find(id);
    if (!record) return null;
    if (record.revokedAtMs !== null) return record;
    const revoked = { ...record, revokedAtMs: nowMs };
    await this.redis.hset(this.hash, id, JSON.stringify(revoked));
    return revoked;
  }

  async list(): Promise<IngestKeyRecord[]> {
    const all = await this.redis.hgetall(this.hash);
    return Object.entries(all)
      .map(([id, stored]) => this.parse(id, stored))
      .sort((a, b) => a.createdAtMs - b.createdAtMs);
  }

  private parse(id: string, stored: string): IngestKeyRecord {
    const result = ingestKeyRecordSchema.safeParse(JSON.parse(stored));
    if (!result.success) throw new Error(`ingest key ${id} in ${this.hash} is malformed: ${result.error.message}`);
    return result.data;
  }
}

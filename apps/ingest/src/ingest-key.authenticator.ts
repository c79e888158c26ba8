import { bearerToken, ingestKeyId, ingestKeyMatches, type Clock, type IngestKeyRecord } from '@tocsin/domain';

/** Where key records come from (Redis in the app). */
export interface IngestKeyLookup {
  find(id: string): Promise<IngestKeyRecord | null>;
}

export type Authentication =
  | { ok: true; key: IngestKeyRecord }
  | {
      ok: false;
      status: 401 | 503;
      error: 'missing_key' | 'invalid_key' | 'revoked_key' | 'key_store_unavailable';
      message: string;
    };

/** Beyond this many cached ids the cache starts again: a flood of invented ids cannot grow it. */
const MAX_CACHED_IDS = 10_000;

/**
 * Checks `Authorization: Bearer <ingest key>`. Records are cached for `cacheTtlMs` per process,
 * found or not: a revocation reaches every ingest instance within that time, and a busy ingest
 * asks Redis once per key and period instead of once per request. The key itself is never kept,
 * logged or put in an answer: only its public id.
 */
export class IngestKeyAuthenticator {
  private readonly cache = new Map<string, { record: IngestKeyRecord | null; expiresAtMs: number }>();

  constructor(
    private readonly lookup: IngestKeyLookup,
    private readonly clock: Clock,
    private readonly cacheTtlMs: number,
  ) {}

  async authenticate(authorization: string | undefined): Promise<Authentication> {
    if (!authorization) {
      return {
        ok: false,
        status: 401,
        error: 'missing_key',
        message:
          'missing "Authorization: Bearer <ingest key>" header (an operator creates keys with `npm run -s keys -- create --source NAME`)',
      };
    }
    const token = bearerToken(authorization);
    const id = token === null ? null : ingestKeyId(token);
    if (token === null || id === null) {
      return {
        ok: false,
        status: 401,
        error: 'invalid_key',
        message: 'the Authorization header is not "Bearer tsk_<id>_<secret>" with an ingest key',
      };
    }
    let record: IngestKeyRecord | null;
    try {
      record = await this.find(id);
    } catch (error) {
      return {
        ok: false,
        status: 503,
        error: 'key_store_unavailable',
        message: `ingest keys cannot be checked (Redis): ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    if (!record || !ingestKeyMatches(token, record)) {
      return { ok: false, status: 401, error: 'invalid_key', message: `ingest key ${id} is not a key of this Tocsin` };
    }
    if (record.revokedAtMs !== null) {
      return {
        ok: false,
        status: 401,
        error: 'revoked_key',
        message: `ingest key ${id} (source "${record.source}") was revoked at ${new Date(record.revokedAtMs).toISOString()}`,
      };
    }
    return { ok: true, key: record };
  }

  private async find(id: string): Promise<IngestKeyRecord | null> {
    const nowMs = this.clock.now();
    const cached = this.cache.get(id);
    if (cached && cached.expiresAtMs > nowMs) return cached.record;
    const record = await this.lookup.find(id);
    if (this.cacheTtlMs > 0) {
      if (this.cache.size >= MAX_CACHED_IDS) this.cache.clear();
      this.cache.set(id, { record, expiresAtMs: nowMs + this.cacheTtlMs });
    }
    return record;
  }
}

import { formatIngestKey, hashIngestKey, type IngestKeyRecord } from '@tocsin/domain';
import { IngestKeyAuthenticator, type IngestKeyLookup } from './ingest-key.authenticator';

const key = formatIngestKey(new Uint8Array(6).fill(0xab), new Uint8Array(32).fill(7));
const record: IngestKeyRecord = {
  id: 'abababababab',
  source: 'partner',
  brandIds: null,
  sha256: hashIngestKey(key),
  createdAtMs: 0,
  revokedAtMs: null,
};

/** Records held in a map, counting look-ups: the port the app fills from Redis. */
class RecordTable implements IngestKeyLookup {
  readonly records = new Map<string, IngestKeyRecord>([[record.id, record]]);
  lookups = 0;

  async find(id: string): Promise<IngestKeyRecord | null> {
    this.lookups += 1;
    return this.records.get(id) ?? null;
  }
}

function setUp(cacheTtlMs = 5_000) {
  const table = new RecordTable();
  const clock = { nowMs: 1_000, now: () => clock.nowMs };
  return { table, clock, sut: new IngestKeyAuthenticator(table, clock, cacheTtlMs) };
}

describe(IngestKeyAuthenticator.name, () => {
  it('accepts a valid key and hands back its record', async () => {
    const { sut } = setUp();
    expect(await sut.authenticate(`Bearer ${key}`)).toEqual({ ok: true, key: record });
  });

  it.each([
    [undefined, 'missing_key', /missing "Authorization: Bearer <ingest key>"/],
    ['Basic dXNlcjpwdw==', 'invalid_key', /not "Bearer tsk_<id>_<secret>"/],
    ['Bearer not-a-key', 'invalid_key', /not "Bearer tsk_<id>_<secret>"/],
    [`Bearer ${key.slice(0, -1)}A`, 'invalid_key', /ingest key abababababab is not a key of this Tocsin/],
    [`Bearer ${key.replace('abababababab', 'cdcdcdcdcdcd')}`, 'invalid_key', /cdcdcdcdcdcd is not a key/],
  ])('answers 401 to %j, naming the problem', async (header, error, message) => {
    const { sut } = setUp();
    const answer = await sut.authenticate(header);
    expect(answer).toMatchObject({ ok: false, status: 401, error });
    expect(!answer.ok && answer.message).toMatch(message);
  });

  it('never quotes the key in a refusal', async () => {
    const { sut } = setUp();
    const wrong = key.slice(0, -1) + 'A';
    const answer = await sut.authenticate(`Bearer ${wrong}`);
    expect(JSON.stringify(answer)).not.toContain(wrong.slice(17));
  });

  it('refuses a revoked key once the cache period is over, saying when it was revoked', async () => {
    const { sut, table, clock } = setUp(5_000);
    expect((await sut.authenticate(`Bearer ${key}`)).ok).toBe(true);
    table.records.set(record.id, { ...record, revokedAtMs: Date.parse('2026-12-02T06:00:00Z') });
    clock.nowMs += 4_999;
    expect((await sut.authenticate(`Bearer ${key}`)).ok).toBe(true);
    clock.nowMs += 1;
    expect(await sut.authenticate(`Bearer ${key}`)).toMatchObject({
      ok: false,
      status: 401,
      error: 'revoked_key',
      message: 'ingest key abababababab (source "partner") was revoked at 2026-12-02T06:00:00.000Z',
    });
  });

  it('asks the store once per key and cache period', async () => {
    const { sut, table } = setUp(5_000);
    for (let i = 0; i < 10; i += 1) await sut.authenticate(`Bearer ${key}`);
    expect(table.lookups).toBe(1);
  });

  it('asks the store at every request without a cache', async () => {
    const { sut, table } = setUp(0);
    for (let i = 0; i < 3; i += 1) await sut.authenticate(`Bearer ${key}`);
    expect(table.lookups).toBe(3);
  });

  it('answers 503 when the store cannot be read', async () => {
    const sut = new IngestKeyAuthenticator(
      { find: () => Promise.reject(new Error('Connection is closed.')) },
      { now: () => 0 },
      5_000,
    );
    expect(await sut.authenticate(`Bearer ${key}`)).toMatchObject({
      ok: false,
      status: 503,
      error: 'key_store_unavailable',
      message: 'ingest keys cannot be checked (Redis): Connection is closed.',
    });
  });
});

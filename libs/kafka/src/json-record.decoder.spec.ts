import { z } from 'zod';
import type { SourceRecord } from './batch-consumer.runner';
import { jsonRecordDecoder } from './json-record.decoder';

const schema = z.object({ id: z.string(), count: z.number().int() }).strict();

function recordOf(value: string, format: string | null): SourceRecord {
  return { topic: 't', partition: 0, offset: '7', key: 'k', value: Buffer.from(value), timestampMs: 0, format };
}

describe(jsonRecordDecoder.name, () => {
  const sut = jsonRecordDecoder(schema, 'thing/1');

  it('validates a record that carries no format header', () => {
    expect(sut(recordOf('{"id":"a","count":1.5}', null))).toEqual({
      ok: false,
      reason: expect.stringMatching(/^invalid: count: /) as unknown,
    });
    expect(sut(recordOf('{"id":"a","count":2}', null))).toEqual({ ok: true, value: { id: 'a', count: 2 } });
  });

  it('validates a record in another format or version', () => {
    expect(sut(recordOf('{"id":"a","count":1.5}', 'thing/0')).ok).toBe(false);
  });

  it('parses without validating a record in the trusted format', () => {
    expect(sut(recordOf('{"id":"a","count":1.5,"extra":true}', 'thing/1'))).toEqual({
      ok: true,
      value: { id: 'a', count: 1.5, extra: true },
    });
  });

  it('still refuses what is not a JSON object in the trusted format', () => {
    expect(sut(recordOf('not json', 'thing/1'))).toEqual({
      ok: false,
      reason: expect.stringMatching(/^not JSON/) as unknown,
    });
    expect(sut(recordOf('42', 'thing/1')).ok).toBe(false);
  });

  it('validates every record when no format is trusted', () => {
    expect(jsonRecordDecoder(schema)(recordOf('{"id":"a","count":1.5}', 'thing/1')).ok).toBe(false);
  });
});

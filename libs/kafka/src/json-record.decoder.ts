import { describeZodError } from '@tocsin/domain';
import type { ZodType, ZodTypeDef } from 'zod';
import type { Decoded, SourceRecord } from './batch-consumer.runner';

/**
 * Decoder of JSON records validated by a schema; the reason names the field at fault. Records
 * whose format header is `trustedFormat` were validated against this schema by the Tocsin app
 * that wrote them and are only parsed (zod cost more than the rest of an internal hop); a
 * record without it (another writer, an older one, a test) is validated as any other.
 */
export function jsonRecordDecoder<T>(
  schema: ZodType<T, ZodTypeDef, unknown>,
  trustedFormat?: string,
): (record: SourceRecord) => Decoded<T> {
  return (record) => {
    if (record.value === null || record.value.length === 0) return { ok: false, reason: 'empty record value' };
    let json: unknown;
    try {
      json = JSON.parse(record.value.toString('utf8'));
    } catch (error) {
      return { ok: false, reason: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (trustedFormat !== undefined && record.format === trustedFormat && typeof json === 'object' && json !== null) {
      return { ok: true, value: json as T };
    }
    const result = schema.safeParse(json);
    if (result.success) return { ok: true, value: result.data };
    const fields = describeZodError(result.error).map((issue) => `${issue.field}: ${issue.message}`);
    return { ok: false, reason: `invalid: ${fields.join('; ')}` };
  };
}

import { describeZodError, mentionSchema, type Mention } from '@tocsin/domain';

export interface ItemError {
  index: number;
  field: string;
  message: string;
}

export type ParsedBatch =
  | { ok: true; mentions: Array<{ index: number; mention: Mention }>; errors: ItemError[] }
  | { ok: false; status: 400 | 413 | 415; message: string };

export const ACCEPTED_CONTENT_TYPES = ['application/json', 'application/x-ndjson'] as const;

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function describeJsonError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Splits an NDJSON body into items; a line that is not JSON is an item error, not a 400. */
function readNdjson(body: string): { items: Array<{ index: number; value: unknown }>; errors: ItemError[] } {
  const items: Array<{ index: number; value: unknown }> = [];
  const errors: ItemError[] = [];
  let index = 0;
  for (const line of body.split('\n')) {
    if (line.trim() === '') continue;
    try {
      items.push({ index, value: JSON.parse(line) });
    } catch (error) {
      errors.push({ index, field: '(line)', message: `line ${index + 1} is not JSON: ${describeJsonError(error)}` });
    }
    index += 1;
  }
  return { items, errors };
}

/**
 * Reads a POSTed body holding one mention (JSON object), a JSON array of them, or NDJSON,
 * and validates each against the Mention schema. Invalid items are reported by index and
 * field; the valid ones are kept.
 */
export function parseMentionBatch(body: string, contentType: string | undefined, maxMentions: number): ParsedBatch {
  const type = mediaType(contentType);
  if (!(ACCEPTED_CONTENT_TYPES as readonly string[]).includes(type)) {
    return {
      ok: false,
      status: 415,
      message: `Content-Type must be ${ACCEPTED_CONTENT_TYPES.join(' or ')}, got "${type || 'none'}"`,
    };
  }
  if (body.trim() === '') return { ok: false, status: 400, message: 'request body is empty' };

  let items: Array<{ index: number; value: unknown }>;
  const errors: ItemError[] = [];
  if (type === 'application/x-ndjson') {
    const read = readNdjson(body);
    items = read.items;
    errors.push(...read.errors);
  } else {
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch (error) {
      return { ok: false, status: 400, message: `body is not valid JSON: ${describeJsonError(error)}` };
    }
    if (Array.isArray(value)) items = value.map((item, index) => ({ index, value: item }));
    else if (typeof value === 'object' && value !== null) items = [{ index: 0, value }];
    else return { ok: false, status: 400, message: 'body must be a mention object or an array of mentions' };
  }
  const count = items.length + errors.length;
  if (count > maxMentions) {
    return { ok: false, status: 413, message: `too many mentions in one request: ${count} > ${maxMentions}` };
  }

  const mentions: Array<{ index: number; mention: Mention }> = [];
  for (const { index, value } of items) {
    const result = mentionSchema.safeParse(value);
    if (result.success) mentions.push({ index, mention: result.data });
    else for (const issue of describeZodError(result.error)) errors.push({ index, ...issue });
  }
  errors.sort((a, b) => a.index - b.index);
  return { ok: true, mentions, errors };
}

import { describeZodError, futureEventTimeReason, mentionSchema, type Mention } from '@tocsin/domain';

export interface ItemError {
  index: number;
  field: string;
  message: string;
}

export type ParsedBatch =
  | { ok: true; mentions: Array<{ index: number; mention: Mention }>; errors: ItemError[] }
  | { ok: false; status: 400 | 413 | 415; message: string };

/** What a batch is checked against beyond the schema. */
export interface BatchRules {
  /** More items than this in one request is a 413. */
  maxMentions: number;
  /** The receiving clock, ms since epoch. */
  nowMs: number;
  /** How far ahead of `nowMs` a createdAt may be. */
  maxClockSkewMs: number;
  /** The crisis plan's brands: a `brandIds` entry naming another is refused. */
  knownBrandIds: ReadonlySet<string>;
  /** Set when the request's ingest key is limited to some brands. */
  keyScope?: KeyBrandScope;
}

/** The brands an ingest key may post about, and how a mention's brands are found. */
export interface KeyBrandScope {
  keyId: string;
  allowed: ReadonlySet<string>;
  /** The brands the pipeline will give the mention: its `brandIds` plus the plan's keyword matches. */
  brandsOf(mention: Mention): readonly string[];
}

/** Unknown ids named in one item error are cut to this many, so 64 invented ids stay one readable line. */
const UNKNOWN_BRANDS_SHOWN = 5;

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
 * What the schema cannot see: an event time too far ahead of the clock, brands the plan does not
 * have, brands the request's key may not post about. Brands come from the plan so that a source
 * cannot make the pipeline hold window state for ids it invents; the source is told at once,
 * nothing is half-accepted. A key limited to brands is checked against every brand the mention
 * will be counted for, keywords included: naming no brand must not be a way around the limit.
 */
function checkAgainstRules(index: number, mention: Mention, rules: BatchRules): ItemError[] {
  const errors: ItemError[] = [];
  const ahead = futureEventTimeReason(mention.createdAt, rules.nowMs, rules.maxClockSkewMs);
  if (ahead) errors.push({ index, field: 'createdAt', message: ahead });
  const unknown = [...new Set(mention.brandIds ?? [])].filter((id) => !rules.knownBrandIds.has(id));
  if (unknown.length > 0) {
    const shown = unknown.slice(0, UNKNOWN_BRANDS_SHOWN).map((id) => JSON.stringify(id));
    const more = unknown.length > shown.length ? ` and ${unknown.length - shown.length} more` : '';
    errors.push({
      index,
      field: 'brandIds',
      message: `not a brand of the crisis plan: ${shown.join(', ')}${more} (known: ${[...rules.knownBrandIds].join(', ')})`,
    });
  }
  if (errors.length === 0 && rules.keyScope) {
    const scope = rules.keyScope;
    const outside = scope.brandsOf(mention).filter((id) => !scope.allowed.has(id));
    if (outside.length > 0) {
      errors.push({
        index,
        field: 'brandIds',
        message: `ingest key ${scope.keyId} may post about ${[...scope.allowed].join(', ')} only; this mention is about ${outside.join(', ')}`,
      });
    }
  }
  return errors;
}

/**
 * Reads a POSTed body holding one mention (JSON object), a JSON array of them, or NDJSON,
 * and validates each against the Mention schema and the batch rules. Invalid items are
 * reported by index and field; the valid ones are kept.
 */
export function parseMentionBatch(body: string, contentType: string | undefined, rules: BatchRules): ParsedBatch {
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
  if (count > rules.maxMentions) {
    return { ok: false, status: 413, message: `too many mentions in one request: ${count} > ${rules.maxMentions}` };
  }

  const mentions: Array<{ index: number; mention: Mention }> = [];
  for (const { index, value } of items) {
    const result = mentionSchema.safeParse(value);
    if (!result.success) {
      for (const issue of describeZodError(result.error)) errors.push({ index, ...issue });
      continue;
    }
    const broken = checkAgainstRules(index, result.data, rules);
    if (broken.length === 0) mentions.push({ index, mention: result.data });
    else errors.push(...broken);
  }
  errors.sort((a, b) => a.index - b.index);
  return { ok: true, mentions, errors };
}

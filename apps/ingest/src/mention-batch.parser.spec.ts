import { parseMentionBatch, type BatchRules } from './mention-batch.parser';

const valid = {
  id: '1',
  platform: 'twitter',
  text: 'Fleurie Cosmetics is great',
  createdAt: '2026-11-23T10:00:00Z',
  author: { id: 'a1', handle: 'alice', followers: 10 },
};

const rules = (maxMentions = 10): BatchRules => ({
  maxMentions,
  nowMs: Date.parse('2026-11-23T10:01:00Z'),
  maxClockSkewMs: 300_000,
  knownBrandIds: new Set(['fleurie', 'voltaway']),
});

describe(parseMentionBatch.name, () => {
  it('accepts a single JSON object', () => {
    const result = parseMentionBatch(JSON.stringify(valid), 'application/json', rules(10));
    expect(result).toEqual({ ok: true, mentions: [{ index: 0, mention: valid }], errors: [] });
  });

  it('accepts a JSON array and reports invalid items by index and field', () => {
    const bad = { ...valid, id: '2', author: { ...valid.author, followers: -3 } };
    const result = parseMentionBatch(JSON.stringify([valid, bad]), 'application/json; charset=utf-8', rules(10));
    expect(result.ok && result.mentions.map((m) => m.index)).toEqual([0]);
    expect(result.ok && result.errors).toEqual([
      { index: 1, field: 'author.followers', message: 'Number must be greater than or equal to 0' },
    ]);
  });

  it('reads NDJSON, skipping blank lines and naming lines that are not JSON', () => {
    const body = `${JSON.stringify(valid)}\n\n{oops\n${JSON.stringify({ ...valid, id: '3' })}\n`;
    const result = parseMentionBatch(body, 'application/x-ndjson', rules(10));
    expect(result.ok && result.mentions.map((m) => m.index)).toEqual([0, 2]);
    expect(result.ok && result.errors[0]).toMatchObject({ index: 1, field: '(line)' });
    expect(result.ok && result.errors[0]?.message).toMatch(/^line 2 is not JSON/);
  });

  it.each([
    ['unknown platform', { platform: 'myspace' }, 'platform'],
    ['empty text', { text: '' }, 'text'],
    ['text over 10 000 chars', { text: 'x'.repeat(10_001) }, 'text'],
    ['date without zone', { createdAt: '2026-11-23 10:00' }, 'createdAt'],
    ['lower-case country', { country: 'fr' }, 'country'],
    ['bad url', { url: 'not a url' }, 'url'],
    ['unknown field', { mood: 'angry' }, '(root)'],
  ])('rejects a mention with %s', (_case, patch, field) => {
    const result = parseMentionBatch(JSON.stringify({ ...valid, ...patch }), 'application/json', rules(10));
    expect(result.ok && result.errors.map((e) => e.field)).toEqual([field]);
  });

  it.each([
    ['+6 minutes', '2026-11-23T10:07:00Z'],
    ['+2 days', '2026-11-25T10:01:00Z'],
    ['+30 days', '2026-12-23T10:01:00Z'],
    ['year 9999', '9999-12-31T23:59:59Z'],
  ])('rejects a createdAt %s ahead of the clock, naming the field and the allowance', (_case, createdAt) => {
    const result = parseMentionBatch(JSON.stringify({ ...valid, createdAt }), 'application/json', rules());
    expect(result.ok && result.mentions).toEqual([]);
    expect(result.ok && result.errors).toEqual([
      {
        index: 0,
        field: 'createdAt',
        message: expect.stringMatching(/ahead of the clock.*MAX_CLOCK_SKEW_MS = 300000 ms/),
      },
    ]);
  });

  it('accepts a createdAt ahead of the clock by less than the allowance', () => {
    const result = parseMentionBatch(
      JSON.stringify({ ...valid, createdAt: '2026-11-23T10:05:59Z' }),
      'application/json',
      rules(),
    );
    expect(result.ok && result.errors).toEqual([]);
  });

  it('rejects brand ids the plan does not have in one error per mention, and keeps known ones', () => {
    const invented = Array.from({ length: 64 }, (_, i) => `brand-${i}`);
    const body = JSON.stringify([
      { ...valid, brandIds: ['fleurie'] },
      { ...valid, id: '2', brandIds: invented },
    ]);
    const result = parseMentionBatch(body, 'application/json', rules());
    expect(result.ok && result.mentions.map((m) => m.index)).toEqual([0]);
    expect(result.ok && result.errors).toEqual([
      {
        index: 1,
        field: 'brandIds',
        message:
          'not a brand of the crisis plan: "brand-0", "brand-1", "brand-2", "brand-3", "brand-4" and 59 more (known: fleurie, voltaway)',
      },
    ]);
  });

  it.each([
    ['a body that is not JSON', '{"id":', 'application/json', 400, /not valid JSON/],
    ['an empty body', '  ', 'application/json', 400, /empty/],
    ['a JSON scalar', '42', 'application/json', 400, /mention object or an array/],
    ['an unsupported content type', '{}', 'text/csv', 415, /Content-Type must be/],
    [
      'too many mentions',
      JSON.stringify([valid, valid, valid]),
      'application/json',
      413,
      /too many mentions in one request: 3 > 2/,
    ],
  ])('refuses %s as a whole', (_case, body, type, status, message) => {
    const result = parseMentionBatch(body, type, rules(2));
    expect(result).toMatchObject({ ok: false, status });
    expect(!result.ok && result.message).toMatch(message);
  });
});

describe('parseMentionBatch with a key limited to brands', () => {
  const limited = (allowed: string[]): BatchRules => ({
    ...rules(),
    keyScope: {
      keyId: 'abababababab',
      allowed: new Set(allowed),
      // The plan's keyword matching, reduced to one keyword per brand.
      brandsOf: (mention) => [
        ...new Set([
          ...(mention.brandIds ?? []),
          ...['fleurie', 'voltaway'].filter((id) => mention.text.toLowerCase().includes(id)),
        ]),
      ],
    },
  });

  it('accepts mentions of its brands and of no brand', () => {
    const body = JSON.stringify([valid, { ...valid, id: '2', text: 'nothing to see' }]);
    const result = parseMentionBatch(body, 'application/json', limited(['fleurie']));
    expect(result.ok && result.errors).toEqual([]);
    expect(result.ok && result.mentions).toHaveLength(2);
  });

  it.each([
    ['named in brandIds', { brandIds: ['voltaway'], text: 'a new scooter' }],
    ['matched by keywords only', { text: 'Voltaway scooters are fine' }],
    ['beside an allowed brand', { text: 'Fleurie and Voltaway' }],
  ])('refuses a mention of another brand %s, naming the brand', (_case, patch) => {
    const result = parseMentionBatch(JSON.stringify({ ...valid, ...patch }), 'application/json', limited(['fleurie']));
    expect(result.ok && result.mentions).toEqual([]);
    expect(result.ok && result.errors).toEqual([
      {
        index: 0,
        field: 'brandIds',
        message: 'ingest key abababababab may post about fleurie only; this mention is about voltaway',
      },
    ]);
  });
});

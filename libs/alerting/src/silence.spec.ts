import { isSilenced } from './silence';
import { newSilenceSchema, type Silence } from './silence.schema';
import { hitWith } from './testing/alert-fixture';

const T0 = Date.parse('2026-01-07T09:00:00+01:00');
const HOUR_MS = 3_600_000;

function silence(matchers: Silence['matchers'], startsAtMs = T0, endsAtMs = T0 + HOUR_MS): Silence {
  return { id: 's1', matchers, startsAtMs, endsAtMs, createdBy: 'carl', reason: 'planned product recall' };
}

describe(isSilenced.name, () => {
  it.each([
    { why: 'the brand matches', silences: [silence({ brandId: 'acme' })], expected: true },
    { why: 'another brand is silenced', silences: [silence({ brandId: 'globex' })], expected: false },
    {
      why: 'brand and trigger both match',
      silences: [silence({ brandId: 'acme', triggerId: 'share' })],
      expected: true,
    },
    {
      why: 'only one of two matchers fits',
      silences: [silence({ brandId: 'acme', triggerId: 'words' })],
      expected: false,
    },
    { why: 'the platform matches', silences: [silence({ platform: 'twitter' })], expected: true },
    { why: 'another platform is silenced', silences: [silence({ platform: 'tiktok' })], expected: false },
    {
      why: 'the silence has not started',
      silences: [silence({ brandId: 'acme' }, T0 + 1, T0 + HOUR_MS)],
      expected: false,
    },
    { why: 'the silence has just ended', silences: [silence({ brandId: 'acme' }, T0 - HOUR_MS, T0)], expected: false },
    { why: 'there are no silences', silences: [], expected: false },
  ])('returns $expected when $why', ({ silences, expected }) => {
    expect(isSilenced(silences, hitWith(), T0)).toBe(expected);
  });
});

describe('newSilenceSchema', () => {
  const body = {
    matchers: { brandId: 'acme' },
    startsAtMs: T0,
    endsAtMs: T0 + HOUR_MS,
    reason: 'recall',
  };

  it('accepts a well-formed request', () => {
    expect(newSilenceSchema.safeParse(body).success).toBe(true);
  });

  it.each([
    { why: 'it has no matcher', patch: { matchers: {} } },
    { why: 'it ends before it starts', patch: { endsAtMs: T0 - 1 } },
    { why: 'it has an unknown field', patch: { comment: 'x' } },
    { why: 'it declares its author', patch: { createdBy: 'marc' } },
    { why: 'it names an unknown platform', patch: { matchers: { platform: 'myspace' } } },
  ])('rejects a request when $why', ({ patch }) => {
    expect(newSilenceSchema.safeParse({ ...body, ...patch }).success).toBe(false);
  });
});

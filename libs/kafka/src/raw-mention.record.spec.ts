import { brandSchema, compileBrandMatcher, type Mention } from '@tocsin/domain';
import { toRawRecord } from './raw-mention.record';

const matchers = [
  compileBrandMatcher(brandSchema.parse({ id: 'fleurie', name: 'Fleurie', keywords: ['fleurie cosmetics'] })),
  compileBrandMatcher(brandSchema.parse({ id: 'voltaway', name: 'Voltaway', keywords: ['voltaway'] })),
];

function mention(text: string, brandIds?: string[]): Mention {
  return {
    id: 'm1',
    platform: 'twitter',
    text,
    createdAt: '2026-11-23T08:00:00Z',
    author: { id: 'a1', handle: 'someone' },
    ...(brandIds ? { brandIds } : {}),
  };
}

describe(toRawRecord.name, () => {
  it('keys a mention by the brand its text matches, so a brand stays in one partition', () => {
    expect(toRawRecord(mention('Mon colis Fleurie Cosmetics est en retard'), 'now', matchers).key).toBe(
      'brand:fleurie',
    );
  });

  it('keys by the brand the source names even when the text names none', () => {
    expect(toRawRecord(mention('colis en retard', ['voltaway']), 'now', matchers).key).toBe('brand:voltaway');
  });

  it('keys a mention of no brand by itself and keeps the original bytes', () => {
    const record = toRawRecord(mention('rien à voir'), '2026-11-23T08:00:01Z', matchers);
    expect(record.key).toBe('twitter:m1');
    expect(JSON.parse(String(record.value))).toEqual(mention('rien à voir'));
    expect(record.headers).toEqual({ 'tocsin-received-at': '2026-11-23T08:00:01Z' });
  });
});

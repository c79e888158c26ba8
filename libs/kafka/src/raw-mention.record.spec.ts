import type { Mention } from '@tocsin/domain';
import { toRawRecord } from './raw-mention.record';

function mention(id: string, text: string, brandIds?: string[]): Mention {
  return {
    id,
    platform: 'twitter',
    text,
    createdAt: '2026-11-23T08:00:00Z',
    author: { id: 'a1', handle: 'someone' },
    ...(brandIds ? { brandIds } : {}),
  };
}

describe(toRawRecord.name, () => {
  it('keys mentions of one brand by themselves, so a hot brand spreads over partitions', () => {
    const keys = ['m1', 'm2'].map((id) => toRawRecord(mention(id, 'Mon colis Fleurie est en retard'), 'now').key);
    expect(keys).toEqual(['twitter:m1', 'twitter:m2']);
  });

  it('keys a reply with the post it answers, and a post of a thread with its thread', () => {
    const reply = { ...mention('m2', '@fleurie on regarde'), inReplyTo: 'm1' };
    expect(toRawRecord(reply, 'now').key).toBe('twitter:m1');
    expect(toRawRecord({ ...reply, threadId: 't9' }, 'now').key).toBe('twitter:t9');
  });

  it('keys a copy of a mention like the first, whatever brand the source names', () => {
    expect(toRawRecord(mention('m1', 'colis en retard', ['voltaway']), 'now').key).toBe('twitter:m1');
  });

  it('keeps the original bytes, the time it was received and the format it was validated in', () => {
    const record = toRawRecord(mention('m1', 'rien à voir'), '2026-11-23T08:00:01Z');
    expect(JSON.parse(String(record.value))).toEqual(mention('m1', 'rien à voir'));
    expect(record.headers).toEqual({ 'tocsin-received-at': '2026-11-23T08:00:01Z', 'tocsin-format': 'mention/1' });
  });
});

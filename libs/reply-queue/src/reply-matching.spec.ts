import { brandSchema } from '@tocsin/domain';
import { mentionWith, planWith } from '../../crisis-plan/src/testing/plan-fixture';
import { admitToReplyQueue } from './reply-admission';
import { answersEntry, closeByHand, closeByReply } from './reply-matching';
import type { ReplyEntry } from './reply-entry.schema';

const plan = planWith();
const nowMs = Date.parse('2026-03-02T10:00:05Z');
const brand = brandSchema.parse({
  id: 'acme',
  name: 'Acme',
  handles: ['@acme_care'],
  accounts: { bluesky: ['acme.bsky.social'] },
});

function entryOf(overrides: Parameters<typeof mentionWith>[0]): ReplyEntry {
  const entry = admitToReplyQueue(plan, 'acme', mentionWith(overrides), nowMs);
  if (!entry) throw new Error('expected the mention to be queued');
  return entry;
}

const brandPost = (overrides: Parameters<typeof mentionWith>[0]) =>
  mentionWith({
    id: 'r1',
    author: { id: 'acme', handle: '@acme_care' },
    createdAt: '2026-03-02T10:20:00Z',
    ...overrides,
  });

describe(answersEntry.name, () => {
  const complaint = entryOf({ id: '100' });

  it('takes a direct reply by a brand account', () => {
    expect(answersEntry(complaint, brand, brandPost({ inReplyTo: '100' }))).toBe(true);
  });

  it.each([
    ['a reply by someone else', brandPost({ inReplyTo: '100', author: { id: 'x', handle: 'jane' } })],
    ['a brand reply to another post', brandPost({ inReplyTo: '101' })],
    ['a brand reply on another platform', brandPost({ inReplyTo: '100', platform: 'facebook' })],
    ['a brand post older than the complaint', brandPost({ inReplyTo: '100', createdAt: '2026-03-02T09:00:00Z' })],
  ])('refuses %s', (_what, post) => {
    expect(answersEntry(complaint, brand, post)).toBe(false);
  });

  it('takes a brand post in the complaint’s thread, by the platform’s own account list', () => {
    const inThread = entryOf({ id: 'at://a/p/2', platform: 'bluesky', threadId: 'at://a/p/1' });
    const post = { platform: 'bluesky' as const, createdAt: '2026-03-02T10:30:00Z' };
    const byAccount = { ...post, author: { id: 'd', handle: '@acme.bsky.social' } };
    expect(answersEntry(inThread, brand, { ...byAccount, inReplyTo: 'at://a/p/1', threadId: 'at://a/p/1' })).toBe(true);
    expect(answersEntry(inThread, brand, { ...byAccount, inReplyTo: 'at://a/p/9', threadId: 'at://a/p/1' })).toBe(true);
    // On bluesky the brand speaks through its listed account only, not the general handles.
    expect(
      answersEntry(inThread, brand, { ...post, author: { id: 'e', handle: 'acme_care' }, threadId: 'at://a/p/1' }),
    ).toBe(false);
  });

  it('takes a Mastodon reply to a status that starts its thread', () => {
    const root = entryOf({ id: 'https://m.example/users/j/statuses/7', platform: 'mastodon', threadId: 'm.example:7' });
    const reply = brandPost({ platform: 'mastodon', inReplyTo: 'm.example:7' });
    expect(answersEntry(root, brand, reply)).toBe(true);
  });

  it('refuses an entry already closed', () => {
    const answered = closeByReply(complaint, brandPost({ inReplyTo: '100' }), nowMs);
    expect(answersEntry(answered, brand, brandPost({ id: 'r2', inReplyTo: '100' }))).toBe(false);
  });
});

describe(closeByReply.name, () => {
  it('records the brand’s reply and its time', () => {
    const answered = closeByReply(
      entryOf({ id: '100' }),
      brandPost({ inReplyTo: '100', url: 'https://x.example/r1' }),
      nowMs,
    );
    expect(answered).toMatchObject({
      state: 'answered',
      closedAtMs: nowMs,
      reply: {
        mentionKey: 'twitter:r1',
        author: '@acme_care',
        url: 'https://x.example/r1',
        atMs: Date.parse('2026-03-02T10:20:00Z'),
      },
    });
  });
});

describe(closeByHand.name, () => {
  const waiting = entryOf({ id: '100' });

  it('closes as handled without a reason, and as not-to-answer with one', () => {
    expect(closeByHand(waiting, 'handled', 'ana', undefined, nowMs)).toMatchObject({
      ok: true,
      entry: { state: 'handled', closedBy: 'ana', closedAtMs: nowMs },
    });
    expect(closeByHand(waiting, 'not-to-answer', 'ana', ' troll account ', nowMs)).toMatchObject({
      ok: true,
      entry: { state: 'not-to-answer', reason: 'troll account' },
    });
  });

  it('refuses not-to-answer without a reason, and an entry already closed', () => {
    expect(closeByHand(waiting, 'not-to-answer', 'ana', '  ', nowMs)).toMatchObject({
      ok: false,
      error: { code: 'reason_required' },
    });
    const handled = closeByHand(waiting, 'handled', 'ana', undefined, nowMs);
    if (!handled.ok) throw new Error('expected handled');
    expect(closeByHand(handled.entry, 'handled', 'ben', undefined, nowMs)).toMatchObject({
      ok: false,
      error: { code: 'already_closed', message: expect.stringContaining('already handled') },
    });
  });
});

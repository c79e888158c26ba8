import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { mentionSchema } from '@tocsin/domain';
import { compareStatusIds, mapMastodonStatus, mastodonCatchUpUrl, mastodonStreamUrl } from './mastodon.mapper';

const statuses: unknown[] = JSON.parse(
  readFileSync(resolve(__dirname, '../../../test/fixtures/sources/mastodon-statuses.json'), 'utf8'),
);
const context = { nowMs: Date.parse('2024-09-09T20:00:00Z'), maxFutureSkewMs: 300_000 };
const instance = 'https://mastodon.example';

describe(mapMastodonStatus.name, () => {
  it('turns a local status into a mention with text, handle, language and engagement', () => {
    const { statusId, item } = mapMastodonStatus(statuses[0], instance, context);
    expect(statusId).toBe('113130000000000001');
    if (item.kind !== 'mention') throw new Error(`expected a mention, got ${item.kind}`);
    expect(mentionSchema.parse(item.mention)).toEqual({
      id: 'https://mastodon.example/users/camille/statuses/113130000000000001',
      platform: 'mastodon',
      text: "Le nouveau sérum #Fleurie m'a brûlé la peau & personne ne répond.\nDéçue.",
      createdAt: '2024-09-09T19:46:02.000Z',
      author: {
        id: 'https://mastodon.example/@camille',
        handle: '@camille@mastodon.example',
        name: 'Camille',
        followers: 1523,
      },
      url: 'https://mastodon.example/@camille/113130000000000001',
      threadId: 'mastodon.example:113130000000000001',
      lang: 'fr',
      engagement: { likes: 7, shares: 5, replies: 2 },
    });
  });

  it('keeps a remote handle and the reply link', () => {
    const { item } = mapMastodonStatus(statuses[1], instance, context);
    expect(item).toMatchObject({
      kind: 'mention',
      mention: {
        text: '@camille same with my #fleurie order\nnever again',
        author: { handle: '@sam@other.example' },
        inReplyTo: 'mastodon.example:113130000000000001',
      },
    });
  });

  it('skips a boost and calls a non-status malformed', () => {
    expect(mapMastodonStatus(statuses[2], instance, context).item).toEqual({ kind: 'skipped', reason: 'boost' });
    expect(mapMastodonStatus({ id: 'x' }, instance, context).item.kind).toBe('malformed');
  });
});

describe(compareStatusIds.name, () => {
  it('orders ids as numbers', () => {
    expect(compareStatusIds('99', '100')).toBeLessThan(0);
    expect(compareStatusIds('113130000000000002', '113130000000000001')).toBeGreaterThan(0);
    expect(compareStatusIds('5', '5')).toBe(0);
  });
});

describe('Mastodon URLs', () => {
  it('streams and pages the hashtag timeline', () => {
    const timeline = { timeline: 'hashtag' as const, hashtag: 'fleurie', local: false };
    expect(mastodonStreamUrl(`${instance}/`, timeline)).toBe(
      'https://mastodon.example/api/v1/streaming/hashtag?tag=fleurie',
    );
    expect(mastodonCatchUpUrl(instance, timeline, '7', 40)).toBe(
      'https://mastodon.example/api/v1/timelines/tag/fleurie?min_id=7&limit=40',
    );
    expect(mastodonStreamUrl(instance, { timeline: 'public', local: true })).toBe(
      'https://mastodon.example/api/v1/streaming/public/local',
    );
  });
});

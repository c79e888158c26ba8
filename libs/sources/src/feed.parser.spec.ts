import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { mentionSchema } from '@tocsin/domain';
import { mapFeedEntry, parseFeedDocument, type FeedEntry } from './feed.parser';

const fixture = (name: string) => readFileSync(resolve(__dirname, '../../../test/fixtures/sources', name), 'utf8');
const context = {
  nowMs: Date.parse('2024-09-09T21:00:00Z'),
  maxFutureSkewMs: 300_000,
  feedUrl: 'https://news.example/feed.xml',
  platform: 'news' as const,
  lang: undefined,
};

function entries(name: string, url: string): FeedEntry[] {
  const doc = parseFeedDocument(fixture(name), url);
  if (!doc.ok) throw new Error(doc.reason);
  return doc.entries;
}

describe(parseFeedDocument.name, () => {
  it('reads RSS items with relative links resolved against the channel link', () => {
    const items = entries('feed-rss.xml', 'https://news.example/feed.xml');
    expect(items).toHaveLength(5);
    expect(items[0]).toMatchObject({
      key: 'beauty-daily-1001',
      link: 'https://news.example/2024/09/fleurie-rappel',
      author: 'Léa Martin',
      lang: 'fr',
    });
    expect(items[1]).toMatchObject({ key: 'https://news.example/2024/09/fleurie-faq', published: undefined });
  });

  it('reads Atom entries with the alternate link resolved against xml:base', () => {
    const items = entries('feed-atom.xml', 'https://blog.example/atom.xml');
    expect(items[0]).toMatchObject({
      key: 'tag:blog.example,2024:1',
      link: 'https://blog.example/posts/why-i-stopped',
      published: '2024-09-09T18:00:00+02:00',
      author: 'Jo Writer',
      lang: 'en',
    });
    expect(items[1]).toMatchObject({ link: 'https://press.example/fleurie', published: '2024-09-09T19:00:00Z' });
  });

  it('refuses a document that is not well-formed or not a feed, saying why', () => {
    expect(parseFeedDocument('<rss><channel><item></channel></rss>', context.feedUrl)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not well-formed XML/),
    });
    expect(parseFeedDocument('<html><body/></html>', context.feedUrl)).toEqual({
      ok: false,
      reason: 'root element <html> is not rss, feed or rdf:RDF',
    });
  });
});

describe(mapFeedEntry.name, () => {
  const rss = entries('feed-rss.xml', context.feedUrl);

  it('makes a mention of title and summary with markup removed', () => {
    const item = mapFeedEntry(rss[0] as FeedEntry, context);
    if (item.kind !== 'mention') throw new Error(`expected a mention, got ${item.kind}`);
    expect(mentionSchema.parse(item.mention)).toEqual({
      id: 'beauty-daily-1001',
      platform: 'news',
      text: "Fleurie rappelle un sérum & s'excuse\nLa marque Fleurie Cosmetics rappelle un lot de sérum après des plaintes.",
      createdAt: '2024-09-09T19:46:02.000Z',
      author: { id: 'news.example:Léa Martin', handle: 'Léa Martin', name: 'Léa Martin' },
      url: 'https://news.example/2024/09/fleurie-rappel',
      lang: 'fr',
    });
  });

  it('dates an undated entry when it is first seen, and clamps one from the future', () => {
    expect(mapFeedEntry(rss[1] as FeedEntry, context)).toMatchObject({
      createdAt: 'missing',
      mention: { createdAt: '2024-09-09T21:00:00.000Z', author: { handle: 'news.example' } },
    });
    expect(mapFeedEntry(rss[4] as FeedEntry, context)).toMatchObject({
      createdAt: 'clamped-future',
      mention: { createdAt: '2024-09-09T21:00:00.000Z' },
    });
  });

  it('calls an entry with no id, link or text malformed', () => {
    expect(mapFeedEntry(rss[3] as FeedEntry, context)).toEqual({
      kind: 'malformed',
      reason: 'entry has neither guid/id nor link',
    });
  });

  it('reads an HTML title in Atom as text', () => {
    const atom = entries('feed-atom.xml', 'https://blog.example/atom.xml');
    expect(mapFeedEntry(atom[0] as FeedEntry, { ...context, feedUrl: 'https://blog.example/atom.xml' })).toMatchObject({
      mention: {
        text: 'Why I stopped using Fleurie\nThe Fleurie serum burnt my skin.',
        createdAt: '2024-09-09T16:00:00.000Z',
      },
    });
  });
});

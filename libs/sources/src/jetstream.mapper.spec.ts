import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { mentionSchema } from '@tocsin/domain';
import { jetstreamSubscribeUrl, readBlueskyProfiles, readJetstreamFrame } from './jetstream.mapper';

const frames = readFileSync(resolve(__dirname, '../../../test/fixtures/sources/jetstream-frames.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line !== '');
const context = { nowMs: Date.parse('2024-09-09T20:00:00Z'), maxFutureSkewMs: 300_000 };
const read = (index: number) => readJetstreamFrame(frames[index] ?? '', context);

describe(readJetstreamFrame.name, () => {
  it('turns a new post into a valid mention keyed by its AT URI', () => {
    const frame = read(0);
    expect(frame).toMatchObject({ kind: 'item', timeUs: 1725911162329308, item: { kind: 'mention' } });
    if (frame.kind !== 'item' || frame.item.kind !== 'mention') throw new Error('expected a mention');
    expect(mentionSchema.parse(frame.item.mention)).toEqual({
      id: 'at://did:plc:eygmaihciaxprqvxpfvl6flk/app.bsky.feed.post/3l3qo2vutsw2b',
      platform: 'bluesky',
      text: "Fleurie Cosmetics m'a envoyé un sérum périmé, je suis furieuse",
      createdAt: '2024-09-09T19:46:02.102Z',
      author: { id: 'did:plc:eygmaihciaxprqvxpfvl6flk', handle: 'did:plc:eygmaihciaxprqvxpfvl6flk' },
      url: 'https://bsky.app/profile/did:plc:eygmaihciaxprqvxpfvl6flk/post/3l3qo2vutsw2b',
      lang: 'fr',
      threadId: 'at://did:plc:eygmaihciaxprqvxpfvl6flk/app.bsky.feed.post/3l3qo2vutsw2b',
    });
  });

  it('reads the handle an identity event announces', () => {
    expect(read(1)).toEqual({
      kind: 'identity',
      timeUs: 1725911162329400,
      did: 'did:plc:eygmaihciaxprqvxpfvl6flk',
      handle: 'camille.bsky.social',
    });
  });

  it('links a reply to its parent post and its thread root', () => {
    const frame = read(2);
    expect(frame).toMatchObject({
      item: {
        mention: {
          inReplyTo: 'at://did:plc:eygmaihciaxprqvxpfvl6flk/app.bsky.feed.post/3l3qo2vutsw2b',
          threadId: 'at://did:plc:eygmaihciaxprqvxpfvl6flk/app.bsky.feed.post/3l3qo2vutsw2b',
        },
      },
    });
  });

  it("names a deep reply's thread by its root, not its parent", () => {
    const frame = readJetstreamFrame(
      JSON.stringify({
        did: 'did:plc:brand',
        time_us: 1725911162340000,
        kind: 'commit',
        commit: {
          operation: 'create',
          collection: 'app.bsky.feed.post',
          rkey: 'r3',
          record: {
            text: 'Sorry about that, we are on it',
            reply: {
              parent: { uri: 'at://did:plc:b/app.bsky.feed.post/p2' },
              root: { uri: 'at://did:plc:a/app.bsky.feed.post/p1' },
            },
          },
        },
      }),
      context,
    );
    expect(frame).toMatchObject({
      item: {
        mention: {
          inReplyTo: 'at://did:plc:b/app.bsky.feed.post/p2',
          threadId: 'at://did:plc:a/app.bsky.feed.post/p1',
        },
      },
    });
  });

  it('skips deletions and reads other events as cursor moves only', () => {
    expect(read(3)).toMatchObject({ kind: 'item', item: { kind: 'skipped', reason: 'post delete' } });
    expect(read(6)).toEqual({ kind: 'other', timeUs: 1725911162339400 });
  });

  it('calls a post record without text malformed', () => {
    expect(read(5)).toMatchObject({ kind: 'item', item: { kind: 'malformed', reason: expect.stringMatching(/text/) } });
  });

  it('clamps a date from the future to now', () => {
    expect(read(7)).toMatchObject({
      item: { kind: 'mention', createdAt: 'clamped-future', mention: { createdAt: '2024-09-09T20:00:00.000Z' } },
    });
  });

  it('moves past an event kind it does not know', () => {
    expect(readJetstreamFrame('{"did":"did:plc:a","time_us":42,"kind":"sync","sync":{}}', context)).toEqual({
      kind: 'other',
      timeUs: 42,
    });
  });

  it('calls a cut frame malformed', () => {
    expect(read(8)).toMatchObject({ kind: 'malformed', reason: expect.stringMatching(/not JSON/) });
  });
});

describe(jetstreamSubscribeUrl.name, () => {
  it('asks for posts only and resumes at the cursor', () => {
    expect(jetstreamSubscribeUrl('wss://jet.example/subscribe', 1725911162329308)).toBe(
      'wss://jet.example/subscribe?wantedCollections=app.bsky.feed.post&cursor=1725911162329308',
    );
    expect(jetstreamSubscribeUrl('wss://jet.example/subscribe', undefined)).not.toContain('cursor');
  });
});

describe(readBlueskyProfiles.name, () => {
  it('reads handles and follower counts, and refuses what is not a profiles answer', () => {
    expect(
      readBlueskyProfiles({ profiles: [{ did: 'did:plc:a', handle: 'a.bsky.social', followersCount: 12 }] }),
    ).toEqual([{ did: 'did:plc:a', handle: 'a.bsky.social', followers: 12 }]);
    expect(readBlueskyProfiles({ error: 'RateLimitExceeded' })).toBeUndefined();
  });
});

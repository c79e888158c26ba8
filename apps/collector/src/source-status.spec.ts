import { feedSourceSchema } from '@tocsin/sources';
import { SourceStatus } from './source-status';

const source = feedSourceSchema.parse({
  id: 'news',
  kind: 'feed',
  url: 'https://news.example/feed.xml',
  silentAfter: '30m',
});
const minute = 60_000;

describe(SourceStatus.name, () => {
  it('says nothing of silence before silentAfter has passed since the last item', () => {
    const sut = new SourceStatus(source);
    sut.enter('reading', 0);
    sut.sawItem(10 * minute);
    expect(sut.health(39 * minute).silence).toBeUndefined();
  });

  it('reports "no item for N minutes" once silentAfter has passed since the last item', () => {
    const sut = new SourceStatus(source);
    sut.enter('reading', 0);
    sut.sawItem(10 * minute);
    expect(sut.health(52 * minute)).toMatchObject({ state: 'reading', silence: 'no item for 42 minutes' });
  });

  it('counts a source that never delivered as silent since it was first read', () => {
    const sut = new SourceStatus(source);
    sut.enter('connecting', 5 * minute);
    sut.enter('reading', 6 * minute);
    expect(sut.health(40 * minute).silence).toBe('no item for 35 minutes');
  });

  it('reports no silence for a source another collector reads', () => {
    const sut = new SourceStatus(source);
    sut.holder = 'other';
    sut.enter('held-elsewhere', 0);
    expect(sut.health(90 * minute)).toEqual({
      id: 'news',
      kind: 'feed',
      state: 'held-elsewhere',
      holder: 'other',
      counts: expect.objectContaining({ mentions: 0 }),
    });
  });

  it('shows the last error and when the next attempt is due while backing off', () => {
    const sut = new SourceStatus(source);
    sut.failed('feed answered HTTP 429', Date.parse('2024-09-09T20:02:00Z'));
    expect(sut.health(Date.parse('2024-09-09T20:00:00Z'))).toMatchObject({
      state: 'backing-off',
      lastError: 'feed answered HTTP 429',
      retryAt: '2024-09-09T20:02:00.000Z',
    });
  });
});

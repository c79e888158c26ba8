import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatSourcesError, parseSources } from './sources.parse';

function errorsOf(yaml: string): string[] {
  const result = parseSources(yaml, 'sources.yaml');
  return result.ok ? [] : result.errors.map(formatSourcesError);
}

describe(parseSources.name, () => {
  it('accepts the documented example with every connector and applies defaults', () => {
    const file = resolve(__dirname, '../../../config/sources.example.yaml');
    const result = parseSources(readFileSync(file, 'utf8'), file);
    if (!result.ok) throw new Error(result.errors.map(formatSourcesError).join('\n'));
    expect(result.sources.map((source) => source.kind).sort()).toEqual(['feed', 'feed', 'jetstream', 'mastodon']);
    expect(result.sources.every((source) => source.silentAfter > 0)).toBe(true);
  });

  it.each([
    [
      'an unknown key',
      'sources:\n  - {id: a, kind: feed, url: "https://x.example/f", evry: 5m}',
      'sources.yaml: sources[0].evry: unknown key',
    ],
    [
      'an unknown kind',
      'sources:\n  - {id: a, kind: twitter}',
      'sources.yaml: sources[0].kind: expected one of "jetstream", "mastodon", "feed"',
    ],
    [
      'a Jetstream source without keywords',
      'sources:\n  - {id: a, kind: jetstream}',
      'sources.yaml: sources[0].keywords: is required',
    ],
    [
      'a WebSocket URL given as http',
      'sources:\n  - {id: a, kind: jetstream, keywords: [x], url: "http://j.example"}',
      'sources[0].url: expected a ws or wss URL',
    ],
    [
      'a bad interval',
      'sources:\n  - {id: a, kind: feed, url: "https://x.example/f", every: soon}',
      'sources[0].every: expected a duration',
    ],
    [
      'a hashtag timeline without its hashtag',
      'sources:\n  - {id: a, kind: mastodon, instance: "https://m.example", timeline: hashtag}',
      'sources[0].hashtag: is required when timeline is "hashtag"',
    ],
    [
      'two sources with one id',
      'sources:\n  - {id: a, kind: feed, url: "https://x.example/f"}\n  - {id: a, kind: feed, url: "https://y.example/f"}',
      'sources[1].id: "a" is already the id of sources[0]',
    ],
    ['a YAML syntax error', 'sources: [', 'sources.yaml: (document): YAML syntax error'],
    ['an empty file', '', 'sources.yaml: (root): the file is empty'],
  ])('names the file and the path for %s', (_case, yaml, expected) => {
    expect(errorsOf(yaml).join('\n')).toContain(expected);
  });
});

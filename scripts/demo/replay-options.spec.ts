import { formatDuration, parseDuration, parseReplayOptions } from './replay-options';

describe(parseDuration.name, () => {
  it.each([
    ['90s', 90_000],
    ['20m', 1_200_000],
    ['6h', 21_600_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['250ms', 250],
  ])('reads %s as %i ms', (text, expectedMs) => {
    expect(parseDuration(text)).toBe(expectedMs);
  });

  it.each(['', '6', 'h', '6 hours', '-5m', '5m junk'])('rejects "%s"', (text) => {
    expect(() => parseDuration(text)).toThrow(/expected a duration/);
  });
});

describe(formatDuration.name, () => {
  it.each([
    [45_000, '45s'],
    [12 * 60_000, '12m'],
    [65 * 60_000, '1h05m'],
    [-3 * 60_000, '-3m'],
    [7 * 86_400_000, '7d'],
    [30 * 3_600_000, '1d06h'],
  ])('writes %i ms as %s', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });
});

describe(parseReplayOptions.name, () => {
  it('uses live defaults when no option is given', () => {
    expect(parseReplayOptions([])).toEqual({
      ingestUrl: 'http://127.0.0.1:3000',
      speed: 60,
      durationMs: 6 * 3_600_000,
      seed: 1,
      startMs: null,
      badBuzzOffsetMs: 30 * 60_000,
      historyMs: 7 * 24 * 3_600_000,
      batchSize: 50,
      loop: false,
      dryRun: false,
      outputFile: null,
      help: false,
    });
  });

  it('reads every option when all are given', () => {
    const options = parseReplayOptions([
      '--ingest',
      'http://ingest:8080/',
      '--speed',
      '120',
      '--duration',
      '2h',
      '--seed',
      '7',
      '--start',
      '2025-03-10T08:00:00+01:00',
      '--burst-at',
      '20m',
      '--history',
      '6h',
      '--batch',
      '10',
      '--loop',
      '--dry-run',
    ]);
    expect(options).toEqual({
      ingestUrl: 'http://ingest:8080',
      speed: 120,
      durationMs: 2 * 3_600_000,
      seed: 7,
      startMs: Date.parse('2025-03-10T07:00:00Z'),
      badBuzzOffsetMs: 20 * 60_000,
      historyMs: 6 * 3_600_000,
      batchSize: 10,
      loop: true,
      dryRun: true,
      outputFile: null,
      help: false,
    });
  });

  it('reads --output and refuses it with --loop, which never ends', () => {
    expect(parseReplayOptions(['--output', 'demo.ndjson']).outputFile).toBe('demo.ndjson');
    expect(() => parseReplayOptions(['--output', 'demo.ndjson', '--loop'])).toThrow(/--output: cannot be combined/);
  });

  it('turns the bad buzz off when --burst-at is "off"', () => {
    expect(parseReplayOptions(['--burst-at', 'off']).badBuzzOffsetMs).toBeNull();
  });

  it('sends no history when --history is "off"', () => {
    expect(parseReplayOptions(['--history', 'off']).historyMs).toBe(0);
  });

  it.each([
    [['--speed', '0'], /--speed/],
    [['--batch', '2.5'], /--batch/],
    [['--duration', '0m'], /--duration/],
    [['--burst-at', 'soon'], /--burst-at/],
    [['--history', 'a day'], /--history/],
    [['--start', 'yesterday'], /--start/],
    [['--seed', '-1'], /--seed/],
    [['--ingest', 'not a url'], /--ingest/],
  ])('names the option when %j is wrong', (args, message) => {
    expect(() => parseReplayOptions(args)).toThrow(message);
  });

  it('rejects an unknown option', () => {
    expect(() => parseReplayOptions(['--sped', '60'])).toThrow(/sped/);
  });
});

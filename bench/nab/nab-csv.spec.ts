import { SeriesFormatError, parseNabTimestamp, parseSeriesCsv } from './nab-csv';

describe('parseSeriesCsv', () => {
  it('reads rows and an optional anomaly_score column', () => {
    const rows = parseSeriesCsv(
      'timestamp,value,anomaly_score\n2015-02-26 21:42:53,104,0.25\n\n2015-02-26 21:47:53,100,0\n',
    );
    expect(rows).toEqual([
      {
        timestamp: '2015-02-26 21:42:53',
        timestampMs: Date.UTC(2015, 1, 26, 21, 42, 53),
        value: 104,
        anomalyScore: 0.25,
      },
      { timestamp: '2015-02-26 21:47:53', timestampMs: Date.UTC(2015, 1, 26, 21, 47, 53), value: 100, anomalyScore: 0 },
    ]);
  });

  it('keeps rows in the order given when a timestamp repeats or steps back', () => {
    const rows = parseSeriesCsv(
      'timestamp,value\n2015-01-01 00:05:00,1\n2015-01-01 00:05:00,2\n2015-01-01 00:00:00,3\n2015-01-01 00:10:00,4',
    );
    expect(rows.map((row) => [row.timestamp.slice(11), row.value])).toEqual([
      ['00:05:00', 1],
      ['00:05:00', 2],
      ['00:00:00', 3],
      ['00:10:00', 4],
    ]);
  });

  it.each([
    ['a header without value', 'timestamp,count\n2015-01-01 00:00:00,1', 1, /timestamp and value/],
    ['a header only', 'timestamp,value\n', 1, /no data rows/],
    ['a bad timestamp', 'timestamp,value\n2015-01-01 00:00:00,1\n2015-13-01 00:00:00,1', 3, /not YYYY-MM-DD/],
    ['an impossible date', 'timestamp,value\n2015-02-30 00:00:00,1', 2, /not YYYY-MM-DD/],
    ['a non-numeric value', 'timestamp,value\n2015-01-01 00:00:00,abc', 2, /"abc" is not a finite number/],
    ['an empty value', 'timestamp,value\n2015-01-01 00:00:00,', 2, /not a finite number/],
    ['a missing column', 'timestamp,value\n2015-01-01 00:00:00', 2, /expected 2 columns, got 1/],
  ])('rejects %s, naming the line', (_case, text, line, reason) => {
    expect(() => parseSeriesCsv(text)).toThrow(reason);
    expect(() => parseSeriesCsv(text)).toThrow(SeriesFormatError);
    expect(() => parseSeriesCsv(text)).toThrow(new RegExp(`^line ${line}:`));
  });
});

describe('parseNabTimestamp', () => {
  it.each([
    ['2015-03-03 04:37:53.000000', Date.UTC(2015, 2, 3, 4, 37, 53)],
    ['2015-03-03 04:37:53', Date.UTC(2015, 2, 3, 4, 37, 53)],
    ['2015-03-03 24:00:00', undefined],
    ['03/03/2015 04:37', undefined],
  ])('reads %p as %p', (text, expected) => {
    expect(parseNabTimestamp(text)).toBe(expected);
  });
});

import { agePercentileMs, parseExposition, type ScrapedMetrics } from './metrics-scrape';

describe(parseExposition.name, () => {
  it('reads names, labels and values, skipping comments', () => {
    const text = [
      '# HELP tocsin_consumer_lag_records lag',
      'tocsin_consumer_lag_records{group="g",topic="t",partition="0",app="pipeline"} 12',
      'nodejs_eventloop_lag_seconds{app="pipeline"} 0.004',
    ].join('\n');
    expect(parseExposition(text)).toEqual([
      {
        name: 'tocsin_consumer_lag_records',
        labels: { group: 'g', topic: 't', partition: '0', app: 'pipeline' },
        value: 12,
      },
      { name: 'nodejs_eventloop_lag_seconds', labels: { app: 'pipeline' }, value: 0.004 },
    ]);
  });
});

describe(agePercentileMs.name, () => {
  const scraped = (counts: Array<[number, number]>): ScrapedMetrics => ({
    lagByGroup: new Map(),
    ageBucketsByGroup: new Map([['g', new Map(counts)]]),
    batchBucketsByGroup: new Map(),
    pagesByOutcome: new Map(),
  });

  it('gives the upper bound of the bucket holding the percentile of the records between two scrapes', () => {
    const before = scraped([
      [0.1, 50],
      [1, 50],
      [Number.POSITIVE_INFINITY, 50],
    ]);
    const after = scraped([
      [0.1, 140],
      [1, 149],
      [Number.POSITIVE_INFINITY, 150],
    ]);
    expect(agePercentileMs(before, after, 'g', 50)).toBe(100);
    expect(agePercentileMs(before, after, 'g', 99)).toBe(1000);
  });

  it('is NaN when no record was handled between the scrapes', () => {
    const same = scraped([[Number.POSITIVE_INFINITY, 5]]);
    expect(agePercentileMs(same, same, 'g', 99)).toBeNaN();
  });
});

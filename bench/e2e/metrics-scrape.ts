/** One sample of a Prometheus text exposition: name, labels, value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})? ([^ ]+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = SAMPLE_LINE.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, name, value] of (match[2] ?? '').matchAll(LABEL)) if (name) labels[name] = value ?? '';
    samples.push({ name: match[1] ?? '', labels, value: Number(match[3]) });
  }
  return samples;
}

/** What bench:e2e reads from an app's `GET /metrics`. */
export interface ScrapedMetrics {
  /** Sum of tocsin_consumer_lag_records per consumer group. */
  lagByGroup: Map<string, number>;
  /** Cumulative tocsin_record_age_seconds buckets (upper bound s → count) per consumer group. */
  ageBucketsByGroup: Map<string, Map<number, number>>;
  /** Cumulative tocsin_batch_duration_seconds buckets (upper bound s → count) per consumer group. */
  batchBucketsByGroup: Map<string, Map<number, number>>;
  /** tocsin_pages_total per outcome (the alerter's). */
  pagesByOutcome: Map<string, number>;
}

export async function scrapeMetrics(url: string): Promise<ScrapedMetrics> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  const lagByGroup = new Map<string, number>();
  const ageBucketsByGroup = new Map<string, Map<number, number>>();
  const batchBucketsByGroup = new Map<string, Map<number, number>>();
  const pagesByOutcome = new Map<string, number>();
  for (const sample of parseExposition(await response.text())) {
    const group = sample.labels.group ?? '';
    if (sample.name === 'tocsin_consumer_lag_records') {
      lagByGroup.set(group, (lagByGroup.get(group) ?? 0) + sample.value);
    } else if (sample.name === 'tocsin_record_age_seconds_bucket') {
      addBucket(ageBucketsByGroup, group, sample);
    } else if (sample.name === 'tocsin_batch_duration_seconds_bucket') {
      addBucket(batchBucketsByGroup, group, sample);
    } else if (sample.name === 'tocsin_pages_total') {
      pagesByOutcome.set(sample.labels.outcome ?? '', sample.value);
    }
  }
  return { lagByGroup, ageBucketsByGroup, batchBucketsByGroup, pagesByOutcome };
}

function addBucket(byGroup: Map<string, Map<number, number>>, group: string, sample: Sample): void {
  const buckets = byGroup.get(group) ?? new Map<number, number>();
  buckets.set(sample.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(sample.labels.le), sample.value);
  byGroup.set(group, buckets);
}

/**
 * Upper bound (ms) of the bucket holding the p-th percentile of what a histogram counted between
 * two scrapes (records' ages, or batches' durations): a histogram gives a bound, not the exact value.
 */
export function histogramPercentileMs(
  before: ReadonlyMap<string, ReadonlyMap<number, number>>,
  after: ReadonlyMap<string, ReadonlyMap<number, number>>,
  group: string,
  p: number,
): number {
  const end = after.get(group) ?? new Map<number, number>();
  const start = before.get(group) ?? new Map<number, number>();
  const bounds = [...end.keys()].sort((a, b) => a - b);
  const total = (end.get(Number.POSITIVE_INFINITY) ?? 0) - (start.get(Number.POSITIVE_INFINITY) ?? 0);
  if (total <= 0) return Number.NaN;
  for (const bound of bounds) {
    const count = (end.get(bound) ?? 0) - (start.get(bound) ?? 0);
    if (count >= (p / 100) * total) return bound * 1000;
  }
  return Number.POSITIVE_INFINITY;
}

/** histogramPercentileMs of the records' ages (append → handling) of one consumer group. */
export function agePercentileMs(before: ScrapedMetrics, after: ScrapedMetrics, group: string, p: number): number {
  return histogramPercentileMs(before.ageBucketsByGroup, after.ageBucketsByGroup, group, p);
}

/** histogramPercentileMs of one consumer group's partition batches (handling and commit). */
export function batchPercentileMs(before: ScrapedMetrics, after: ScrapedMetrics, group: string, p: number): number {
  return histogramPercentileMs(before.batchBucketsByGroup, after.batchBucketsByGroup, group, p);
}

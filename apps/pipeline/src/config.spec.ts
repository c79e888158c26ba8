import { loadPipelineConfig } from './config';

describe(loadPipelineConfig.name, () => {
  it('applies documented defaults', () => {
    expect(loadPipelineConfig({})).toMatchObject({
      intervalMs: 60_000,
      allowedLatenessMs: 120_000,
      maxIntervalsPerBatch: 1_440,
      maxClockSkewMs: 300_000,
      redis: { url: 'redis://127.0.0.1:6379' },
    });
  });

  it('keeps a password out of the error naming a bad REDIS_URL', () => {
    const load = (): unknown => loadPipelineConfig({ REDIS_URL: 'http://:hunter2@redis:6379' });
    expect(load).toThrow('REDIS_URL: expected redis://host:port[/db], got "http://***@redis:6379"');
    expect(load).not.toThrow(/hunter2/);
  });

  it('refuses a negative clock-skew allowance, naming the variable', () => {
    expect(() => loadPipelineConfig({ MAX_CLOCK_SKEW_MS: '-1' })).toThrow(/MAX_CLOCK_SKEW_MS: .*got "-1"/);
  });

  it('handles 1 to 64 partitions at once, kafkajs starting a worker for each', () => {
    expect(loadPipelineConfig({}).partitionsConcurrently).toBe(6);
    expect(loadPipelineConfig({ PIPELINE_PARTITIONS_CONCURRENTLY: '64' }).partitionsConcurrently).toBe(64);
    expect(() => loadPipelineConfig({ PIPELINE_PARTITIONS_CONCURRENTLY: '0' })).toThrow(
      /PIPELINE_PARTITIONS_CONCURRENTLY: .*got "0"/,
    );
    expect(() => loadPipelineConfig({ PIPELINE_PARTITIONS_CONCURRENTLY: '1000000000' })).toThrow(
      /PIPELINE_PARTITIONS_CONCURRENTLY: .*got "1000000000"/,
    );
  });
});

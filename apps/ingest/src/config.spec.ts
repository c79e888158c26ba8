import { loadIngestConfig } from './config';

describe(loadIngestConfig.name, () => {
  it('applies documented defaults', () => {
    expect(loadIngestConfig({})).toMatchObject({
      port: 3000,
      maxMentions: 5000,
      maxClockSkewMs: 300_000,
      keyCacheMs: 5_000,
      producers: 2,
      kafka: { brokers: ['127.0.0.1:9092'], topicPrefix: '' },
      redis: { url: 'redis://127.0.0.1:6379', keyPrefix: 'tocsin:' },
    });
  });

  it('names the variable, the expected form and the value given', () => {
    expect(() => loadIngestConfig({ KAFKA_BROKERS: 'kafka' })).toThrow(
      'KAFKA_BROKERS: expected host:port[,host:port], got "kafka"',
    );
    expect(() => loadIngestConfig({ INGEST_PORT: 'eighty' })).toThrow(/INGEST_PORT: Expected number.*got "eighty"/);
  });

  it('shows brokers given with credentials without them', () => {
    expect(() => loadIngestConfig({ KAFKA_BROKERS: 'tocsin:s3cret@kafka' })).toThrow(
      'KAFKA_BROKERS: expected host:port[,host:port], got "***@kafka"',
    );
    expect(() => loadIngestConfig({ KAFKA_BROKERS: 'tocsin:s3cret@kafka' })).not.toThrow(/s3cret/);
  });

  it('caps the key cache, the delay before a revocation applies, at a minute', () => {
    expect(loadIngestConfig({ INGEST_KEY_CACHE_MS: '0' }).keyCacheMs).toBe(0);
    expect(() => loadIngestConfig({ INGEST_KEY_CACHE_MS: '600000' })).toThrow(/INGEST_KEY_CACHE_MS: .*got "600000"/);
  });

  it('takes 1 to 16 Kafka producers', () => {
    expect(loadIngestConfig({ INGEST_PRODUCERS: '1' }).producers).toBe(1);
    expect(() => loadIngestConfig({ INGEST_PRODUCERS: '0' })).toThrow(/INGEST_PRODUCERS: .*got "0"/);
    expect(() => loadIngestConfig({ INGEST_PRODUCERS: '17' })).toThrow(/INGEST_PRODUCERS: .*got "17"/);
  });

  it('logs coloured text unless LOG_FORMAT asks for JSON lines, refusing any other format by name', () => {
    expect(loadIngestConfig({}).logFormat).toBe('text');
    expect(loadIngestConfig({ LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(() => loadIngestConfig({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT: .*got "xml"/);
  });
});

import { loadIngestConfig } from './config';

describe(loadIngestConfig.name, () => {
  it('applies documented defaults', () => {
    expect(loadIngestConfig({})).toMatchObject({
      port: 3000,
      maxMentions: 5000,
      maxClockSkewMs: 300_000,
      kafka: { brokers: ['127.0.0.1:9092'], topicPrefix: '' },
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

  it('logs coloured text unless LOG_FORMAT asks for JSON lines, refusing any other format by name', () => {
    expect(loadIngestConfig({}).logFormat).toBe('text');
    expect(loadIngestConfig({ LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(() => loadIngestConfig({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT: .*got "xml"/);
  });
});

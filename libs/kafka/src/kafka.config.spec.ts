import { kafkaEnvironmentSchema, toKafkaSettings } from './kafka.config';

const settingsOf = (env: Record<string, string>) => toKafkaSettings(kafkaEnvironmentSchema.parse(env));

describe(toKafkaSettings.name, () => {
  it('keeps one replica by default, the single dev broker', () => {
    expect(settingsOf({}).replication).toEqual({ factor: 1, minInsyncReplicas: 1, allowUnderReplicated: false });
  });

  it('reads a cluster replication and the development escape', () => {
    const settings = settingsOf({
      KAFKA_REPLICATION_FACTOR: '3',
      KAFKA_MIN_INSYNC_REPLICAS: '2',
      KAFKA_ALLOW_UNDER_REPLICATED: 'true',
    });
    expect(settings.replication).toEqual({ factor: 3, minInsyncReplicas: 2, allowUnderReplicated: true });
  });

  it('refuses more in-sync replicas than replicas, naming both variables', () => {
    expect(() => settingsOf({ KAFKA_REPLICATION_FACTOR: '1', KAFKA_MIN_INSYNC_REPLICAS: '2' })).toThrow(
      'KAFKA_MIN_INSYNC_REPLICAS: expected at most KAFKA_REPLICATION_FACTOR (1), got "2"',
    );
  });
});

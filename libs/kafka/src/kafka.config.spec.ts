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

describe('Kafka security settings', () => {
  const sasl = { KAFKA_SASL_USERNAME: 'tocsin', KAFKA_SASL_PASSWORD: 'kafka-pw-sample' };

  it('is PLAINTEXT with nothing set, as the dev broker listens', () => {
    expect(settingsOf({}).security).toEqual({ ssl: false, caFile: null, sasl: null });
  });

  it.each([
    [{ KAFKA_SSL: '1' }, { ssl: true, caFile: null, sasl: null }],
    [
      { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/etc/tocsin/kafka-ca.pem' },
      { ssl: true, caFile: '/etc/tocsin/kafka-ca.pem', sasl: null },
    ],
    [
      { KAFKA_SSL: '1', KAFKA_SASL_MECHANISM: 'plain', ...sasl },
      { ssl: true, caFile: null, sasl: { mechanism: 'plain', username: 'tocsin', password: 'kafka-pw-sample' } },
    ],
    [
      { KAFKA_SASL_MECHANISM: 'scram-sha-512', ...sasl },
      {
        ssl: false,
        caFile: null,
        sasl: { mechanism: 'scram-sha-512', username: 'tocsin', password: 'kafka-pw-sample' },
      },
    ],
    [
      { KAFKA_SASL_MECHANISM: 'plain', NODE_ENV: 'development', ...sasl },
      { ssl: false, caFile: null, sasl: { mechanism: 'plain', username: 'tocsin', password: 'kafka-pw-sample' } },
    ],
  ])('reads %j', (env, security) => {
    expect(settingsOf(env).security).toEqual(security);
  });

  it.each([
    [
      { KAFKA_SASL_MECHANISM: 'plain', ...sasl },
      /KAFKA_SASL_MECHANISM: plain sends the password in clear without TLS; set KAFKA_SSL=1/,
    ],
    [
      { KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: 'tocsin' },
      /^KAFKA_SASL_PASSWORD: required with KAFKA_SASL_MECHANISM=scram-sha-256$/,
    ],
    [{ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SSL: '1' }, /^KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD: required/],
    [sasl, /given without KAFKA_SASL_MECHANISM/],
    [{ KAFKA_SSL_CA_FILE: '/etc/ca.pem' }, /KAFKA_SSL_CA_FILE: only read with KAFKA_SSL=1, got KAFKA_SSL="0"/],
  ])('refuses %j, naming the variables and never the password', (env, message) => {
    expect(() => settingsOf(env)).toThrow(message);
    expect(() => settingsOf(env)).not.toThrow(/kafka-pw-sample/);
  });

  it('refuses an unknown mechanism through the schema', () => {
    expect(() => settingsOf({ KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow(/Invalid enum value/);
  });
});

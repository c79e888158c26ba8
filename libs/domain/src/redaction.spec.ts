import { redactCredentials } from './redaction';

describe(redactCredentials.name, () => {
  it.each([
    ['redis://:s3cret@redis:6379/0', 'redis://***@redis:6379/0'],
    ['rediss://default:p4ss@cache.example.com:6380', 'rediss://***@cache.example.com:6380'],
    ['redis://:p@ss@word@redis:6379', 'redis://***@redis:6379'],
    ['user:s3cret@kafka-1:9092,admin:pw@kafka-2:9092', '***@kafka-1:9092,***@kafka-2:9092'],
    [
      'REDIS_URL: expected redis://host:port[/db], got "http://:s3cret@redis:6379"',
      'REDIS_URL: expected redis://host:port[/db], got "http://***@redis:6379"',
    ],
  ])('hides the credentials of %s', (text, redacted) => {
    expect(redactCredentials(text)).toBe(redacted);
  });

  it.each(['redis://redis:6379', '127.0.0.1:9092,kafka:9092', 'KAFKA_BROKERS: expected host:port, got "kafka"'])(
    'leaves %s as it is',
    (text) => {
      expect(redactCredentials(text)).toBe(text);
    },
  );
});

import { loadCollectorConfig } from './config';

describe(loadCollectorConfig.name, () => {
  it('needs a sources file', () => {
    expect(() => loadCollectorConfig({})).toThrow(/SOURCES_FILE: Required, got nothing/);
  });

  it('reads leases, backoff and skew settings with their defaults', () => {
    const config = loadCollectorConfig({ SOURCES_FILE: 'config/sources.example.yaml', COLLECTOR_INSTANCE_ID: 'c1' });
    expect(config).toMatchObject({
      instanceId: 'c1',
      leaseMs: 15_000,
      maxFutureSkewMs: 300_000,
      backoff: { baseMs: 1_000, maxMs: 300_000 },
      port: 3003,
    });
  });

  it('names a bad instance id with the value given', () => {
    expect(() => loadCollectorConfig({ SOURCES_FILE: 'x.yaml', COLLECTOR_INSTANCE_ID: 'a b' })).toThrow(
      /COLLECTOR_INSTANCE_ID: expected letters, digits, "\.", "_" or "-", got "a b"/,
    );
  });
});

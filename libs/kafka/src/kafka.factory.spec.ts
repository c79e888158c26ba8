import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaSecurityOptions } from './kafka.factory';

describe(kafkaSecurityOptions.name, () => {
  it('gives kafkajs the CA file read as PEM, and the SASL credentials', () => {
    const folder = mkdtempSync(join(tmpdir(), 'tocsin-ca-'));
    try {
      const caFile = join(folder, 'ca.pem');
      writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
      const sasl = { mechanism: 'scram-sha-512' as const, username: 'tocsin', password: 'pw' };
      expect(kafkaSecurityOptions({ ssl: true, caFile, sasl })).toEqual({
        ssl: { ca: ['-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'] },
        sasl,
      });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('leaves TLS off and SASL out on PLAINTEXT', () => {
    expect(kafkaSecurityOptions({ ssl: false, caFile: null, sasl: null })).toEqual({ ssl: false });
  });

  it('names the variable when the CA file cannot be read', () => {
    expect(() => kafkaSecurityOptions({ ssl: true, caFile: '/nonexistent/ca.pem', sasl: null })).toThrow(
      /^KAFKA_SSL_CA_FILE: cannot read \/nonexistent\/ca.pem: ENOENT/,
    );
  });
});

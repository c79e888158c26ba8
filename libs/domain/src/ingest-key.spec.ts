import {
  bearerToken,
  formatIngestKey,
  hashIngestKey,
  ingestKeyId,
  ingestKeyMatches,
  INGEST_KEY_ID_BYTES,
  INGEST_KEY_SECRET_BYTES,
} from './ingest-key';

const idBytes = Uint8Array.from({ length: INGEST_KEY_ID_BYTES }, (_, i) => i + 1);
const secretBytes = Uint8Array.from({ length: INGEST_KEY_SECRET_BYTES }, (_, i) => 255 - i);
const key = formatIngestKey(idBytes, secretBytes);

describe(formatIngestKey.name, () => {
  it('writes tsk_, the id in hex and the 256-bit secret in base64url', () => {
    expect(key).toMatch(/^tsk_010203040506_[A-Za-z0-9_-]{43}$/);
  });

  it('refuses a secret shorter than 256 bits', () => {
    expect(() => formatIngestKey(idBytes, secretBytes.slice(1))).toThrow(/32 secret bytes/);
  });
});

describe(ingestKeyId.name, () => {
  it('reads the id of a well-formed key', () => {
    expect(ingestKeyId(key)).toBe('010203040506');
  });

  it.each(['', 'tsk_010203040506', `${key}x`, key.replace('tsk_', 'sk_'), key.toUpperCase()])(
    'finds no id in %j',
    (text) => {
      expect(ingestKeyId(text)).toBeNull();
    },
  );
});

describe(ingestKeyMatches.name, () => {
  it('accepts the key its hash was made from', () => {
    expect(ingestKeyMatches(key, { sha256: hashIngestKey(key) })).toBe(true);
  });

  it('refuses another key with the same id', () => {
    const other = formatIngestKey(
      idBytes,
      secretBytes.map((byte) => byte ^ 1),
    );
    expect(ingestKeyMatches(other, { sha256: hashIngestKey(key) })).toBe(false);
  });
});

describe(bearerToken.name, () => {
  it.each([
    [`Bearer ${key}`, key],
    [`bearer  ${key} `, key],
    [undefined, null],
    ['', null],
    [`Basic ${key}`, null],
    ['Bearer', null],
    ['Bearer a b', null],
  ])('reads %j as %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});

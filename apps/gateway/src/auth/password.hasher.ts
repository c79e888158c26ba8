import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * scrypt with N = 2^15, r = 8: 32 MiB and ~50–100 ms per hash on one core, OWASP's minimum
 * for scrypt. The parameters are written into each hash, so raising them later keeps old
 * hashes verifiable.
 */
const COST = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** scrypt needs 128·N·r bytes; node refuses above 32 MiB unless told. */
const MAX_MEMORY_BYTES = 64 * 1024 * 1024;

/** Longest password accepted: longer ones only cost the server time. */
export const MAX_PASSWORD_LENGTH = 1_024;
export const MIN_PASSWORD_LENGTH = 12;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((done, fail) =>
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, { ...options, maxmem: MAX_MEMORY_BYTES }, (error, key) =>
      error ? fail(error) : done(key),
    ),
  );
}

/** `scrypt$<log2 N>$<r>$<p>$<salt>$<key>`, salt and key in base64url; a fresh salt each time. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, COST);
  return ['scrypt', Math.log2(COST.N), COST.r, COST.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Compares in constant time; false for a malformed hash rather than an exception. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const [scheme, logN, r, p, salt, key] = encoded.split('$');
  if (scheme !== 'scrypt' || !logN || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await derive(password.slice(0, MAX_PASSWORD_LENGTH), Buffer.from(salt, 'base64url'), {
    N: 2 ** Number(logN),
    r: Number(r),
    p: Number(p),
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A password for a new account, printed once: 20 characters from 64, about 120 bits. */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url');
}

let decoy: Promise<string> | undefined;

/**
 * Spends the time of a real verification when the user does not exist or has no password, so
 * the answer's timing does not tell which usernames exist.
 */
export async function verifyAgainstDecoy(password: string): Promise<false> {
  decoy ??= hashPassword(generatePassword());
  await verifyPassword(password, await decoy);
  return false;
}

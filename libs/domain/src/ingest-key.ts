import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * An ingest API key: `tsk_<id>_<secret>`, the id 12 hex digits (48 random bits, public: it names
 * the key in lists, logs and revocations), the secret 32 random bytes in base64url (256 bits).
 * The prefix lets secret scanners and people recognise a leaked key.
 */
const INGEST_KEY_PATTERN = /^tsk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
export const INGEST_KEY_ID_BYTES = 6;
export const INGEST_KEY_SECRET_BYTES = 32;

export const ingestKeyIdSchema = z.string().regex(/^[0-9a-f]{12}$/, 'expected a key id of 12 hex digits');

/** What Redis keeps of a key: its SHA-256, never the key itself. */
export const ingestKeyRecordSchema = z
  .object({
    id: ingestKeyIdSchema,
    /** Who posts with it: a name for people (a connector, a partner, "demo"). */
    source: z.string().min(1).max(100),
    /** Brands its mentions may be about; null: every brand of the plan. */
    brandIds: z.array(z.string().min(1)).min(1).nullable(),
    /** SHA-256 of the whole key, hex. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    createdAtMs: z.number().int().nonnegative(),
    revokedAtMs: z.number().int().nonnegative().nullable(),
  })
  .strict();
export type IngestKeyRecord = z.infer<typeof ingestKeyRecordSchema>;

/** The key made of an id and a secret drawn by the caller (random bytes are I/O). */
export function formatIngestKey(idBytes: Uint8Array, secretBytes: Uint8Array): string {
  if (idBytes.length !== INGEST_KEY_ID_BYTES || secretBytes.length !== INGEST_KEY_SECRET_BYTES) {
    throw new RangeError(
      `an ingest key needs ${INGEST_KEY_ID_BYTES} id bytes and ${INGEST_KEY_SECRET_BYTES} secret bytes`,
    );
  }
  return `tsk_${Buffer.from(idBytes).toString('hex')}_${Buffer.from(secretBytes).toString('base64url')}`;
}

/** The id of a well-formed key, else null; says nothing about whether the key is valid. */
export function ingestKeyId(key: string): string | null {
  return INGEST_KEY_PATTERN.exec(key)?.[1] ?? null;
}

/**
 * SHA-256 of the key, hex. No slow KDF (scrypt, argon2) is needed, unlike for passwords: the key
 * holds 256 random bits, so a stolen hash cannot be reversed by guessing, however fast each guess.
 */
export function hashIngestKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Whether `key` is the one `record` was made for; compared in constant time. */
export function ingestKeyMatches(key: string, record: Pick<IngestKeyRecord, 'sha256'>): boolean {
  return timingSafeEqual(Buffer.from(hashIngestKey(key), 'hex'), Buffer.from(record.sha256, 'hex'));
}

/** The token of an `Authorization: Bearer <token>` header, else null. */
export function bearerToken(authorization: string | undefined): string | null {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
  return match?.[1] ?? null;
}

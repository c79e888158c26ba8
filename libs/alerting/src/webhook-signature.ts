import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Tocsin signs every webhook it sends to a receiver with a secret, as Stripe and Slack do:
 *
 *   Tocsin-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 *
 * A receiver recomputes the HMAC over the raw bytes it received (before any JSON parsing),
 * compares in constant time, and refuses a timestamp outside its replay window. Each attempt
 * is signed afresh, so a retry an hour later still carries a current timestamp; the
 * `Idempotency-Key` header tells a retry from a new page.
 *
 * `verifyTocsinSignature` depends on node:crypto alone: copy it into a receiver as it is.
 */
export const SIGNATURE_HEADER = 'tocsin-signature';

/** How far a signature's timestamp may be from the receiver's clock (either way), in seconds. */
export const DEFAULT_SIGNATURE_TOLERANCE_S = 300;

/** The `Tocsin-Signature` value for `body` sent at `timestampS` (Unix seconds). */
export function signWebhook(secret: string, timestampS: number, body: string): string {
  const digest = createHmac('sha256', secret).update(`${timestampS}.${body}`, 'utf8').digest('hex');
  return `t=${timestampS},v1=${digest}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/**
 * Checks a `Tocsin-Signature` header against the raw body and the receiver's secret.
 * `nowS` is the receiver's clock in Unix seconds. Several `v1=` entries may be present (a
 * secret being rotated): one matching is enough.
 */
export function verifyTocsinSignature(
  header: string | undefined,
  rawBody: string,
  secret: string,
  nowS: number,
  toleranceS: number = DEFAULT_SIGNATURE_TOLERANCE_S,
): SignatureCheck {
  if (!header) return { ok: false, reason: 'no Tocsin-Signature header' };
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [name, value = ''] = part.trim().split('=', 2);
    if (name === 't' && /^\d+$/.test(value)) timestamp = Number(value);
    else if (name === 'v1' && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (timestamp === undefined) return { ok: false, reason: 'Tocsin-Signature has no timestamp t=' };
  if (signatures.length === 0) return { ok: false, reason: 'Tocsin-Signature has no v1= signature' };
  if (Math.abs(nowS - timestamp) > toleranceS) {
    return { ok: false, reason: `timestamp ${timestamp} is more than ${toleranceS} s from now (${nowS}): a replay?` };
  }
  const expected = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest();
  const matches = signatures.some((signature) => timingSafeEqual(Buffer.from(signature, 'hex'), expected));
  return matches ? { ok: true } : { ok: false, reason: 'signature does not match (wrong secret or altered body)' };
}

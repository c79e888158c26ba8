/** Loopback names a dev or test receiver may use over plain http. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface WebhookUrlPolicy {
  /** Development and test only: `http://` to a loopback host is allowed. */
  allowLoopbackHttp: boolean;
}

/**
 * Why a webhook URL may not be used, or null when it may: https only (pages carry names and
 * mention texts, and the signature alone does not hide them), plain http only to the machine
 * itself in development, and no user or password in the URL (they would be logged and shown
 * as the URL is; a receiver authenticates Tocsin by the signature).
 */
export function webhookUrlProblem(url: string, policy: WebhookUrlPolicy): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (parsed.username !== '' || parsed.password !== '') {
    return 'must not hold a user or password (receivers check the Tocsin-Signature header instead)';
  }
  if (parsed.protocol === 'https:') return null;
  const loopback = LOOPBACK_HOSTS.has(parsed.hostname);
  if (parsed.protocol === 'http:' && loopback && policy.allowLoopbackHttp) return null;
  if (parsed.protocol === 'http:' && loopback) {
    return 'must be https: plain http is allowed to 127.0.0.1/localhost only when NODE_ENV is development or test';
  }
  return `must be https (got ${parsed.protocol.replace(/:$/, '')}${loopback ? '' : `; plain http only to 127.0.0.1/localhost in development`})`;
}

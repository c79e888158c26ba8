/**
 * What of a webhook URL may be shown: scheme and host (with port). Paths and queries of Slack
 * and most webhook URLs carry the secret token, and userinfo carries a password.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return '(invalid URL)';
  }
}

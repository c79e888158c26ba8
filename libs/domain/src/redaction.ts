/**
 * Credentials in a connection string sit before the host's "@": `redis://:pw@host:6379`,
 * `rediss://user:pw@host`, `user:pw@kafka:9092`. Greedy up to the last "@" of the authority, so
 * a password holding "@" is hidden whole.
 */
const CREDENTIALS = /(^|[\s,"'(=]|[a-z][a-z0-9+.-]*:\/\/)[^\s,"'/]+@/gi;

/**
 * The text with the credentials of every connection string in it replaced by `***`, so an error
 * or a log line can quote a setting without showing its password:
 * `redis://:s3cret@redis:6379` → `redis://***@redis:6379`.
 */
export function redactCredentials(text: string): string {
  return text.replace(CREDENTIALS, '$1***@');
}

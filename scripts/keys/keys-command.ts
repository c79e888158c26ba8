import { ingestKeyId, ingestKeyIdSchema } from '@tocsin/domain';
import { parseArgs } from 'node:util';

export type KeysCommand =
  | { kind: 'create'; source: string; brandIds: string[] | null }
  | { kind: 'revoke'; id: string }
  | { kind: 'list' }
  | { kind: 'help' };

export const KEYS_USAGE = `Manages the API keys sources post mentions to ingest with.

Usage: npm run -s keys -- <command>

  create --source NAME [--brands a,b]   a new key for the source, limited to those brands if given;
                                        the key is printed once, on stdout, and never stored
  revoke ID|KEY                         revokes a key: refused by every ingest within INGEST_KEY_CACHE_MS
  list                                  every key: id, source, brands, created, revoked

Reads REDIS_URL, REDIS_KEY_PREFIX (as the apps) and PLAN_FILE (--brands must be brands of the plan).
`;

/** Reads the command line; throws a RangeError naming what is wrong. */
export function parseKeysCommand(argv: readonly string[]): KeysCommand {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: { source: { type: 'string' }, brands: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') return { kind: 'help' };
  const noMore = (): void => {
    if (rest.length > 0) throw new RangeError(`${command}: unexpected argument "${rest[0]}"`);
  };
  switch (command) {
    case 'create': {
      noMore();
      const source = values.source?.trim();
      if (!source) throw new RangeError('create: --source NAME is required (who will post with this key)');
      if (source.length > 100) throw new RangeError('create: --source is at most 100 characters');
      if (values.brands === undefined) return { kind: 'create', source, brandIds: null };
      const brandIds = [...new Set(values.brands.split(',').map((id) => id.trim()))];
      if (brandIds.some((id) => id === '')) {
        throw new RangeError(`create: --brands expects ids separated by commas, got "${values.brands}"`);
      }
      return { kind: 'create', source, brandIds };
    }
    case 'revoke': {
      const [id, ...more] = rest;
      if (id === undefined) throw new RangeError('revoke: which key? give its id (see `list`)');
      if (more.length > 0) throw new RangeError(`revoke: unexpected argument "${more[0]}"`);
      // A whole key names its id too; whatever else is given is quoted only in part, in case it is a secret.
      const keyId = ingestKeyId(id) ?? (ingestKeyIdSchema.safeParse(id).success ? id : null);
      if (keyId === null) {
        throw new RangeError(
          `revoke: expected a key id of 12 hex digits (as \`list\` shows), got "${id.slice(0, 16)}…"`,
        );
      }
      return { kind: 'revoke', id: keyId };
    }
    case 'list':
      noMore();
      return { kind: 'list' };
    default:
      throw new RangeError(`unknown command "${command}" (expected create, revoke or list)`);
  }
}

import { formatPlanError, loadPlanFile } from '@tocsin/crisis-plan';
import { parseEnvironment, redactCredentials, systemClock, type IngestKeyRecord } from '@tocsin/domain';
import { createRedis, IngestKeyStore, redisEnvironmentSchema, RedisKeys, toRedisSettings } from '@tocsin/redis';
import { z } from 'zod';
import { KEYS_USAGE, parseKeysCommand } from './keys/keys-command';

const cliEnvironmentSchema = redisEnvironmentSchema.extend({
  PLAN_FILE: z.string().min(1).default('config/crisis-plan.example.yaml'),
});

const instant = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString());

function describeKey(record: IngestKeyRecord): string {
  const brands = record.brandIds?.join(',') ?? 'all brands';
  const state = record.revokedAtMs === null ? 'active' : `revoked ${instant(record.revokedAtMs)}`;
  return `${record.id}  ${record.source}  ${brands}  created ${instant(record.createdAtMs)}  ${state}`;
}

/** Refuses brands the plan does not have: ingest would refuse every mention of such a key anyway. */
async function checkBrands(planFile: string, brandIds: readonly string[]): Promise<void> {
  const loaded = await loadPlanFile(planFile);
  if (!loaded.ok)
    throw new Error(
      `--brands are checked against ${planFile}, which is invalid:\n  ${loaded.errors.map(formatPlanError).join('\n  ')}`,
    );
  const known = new Set(loaded.plan.brands.map((brand) => brand.id));
  const unknown = brandIds.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new Error(`--brands: not a brand of ${planFile}: ${unknown.join(', ')} (known: ${[...known].join(', ')})`);
  }
}

async function main(): Promise<void> {
  const command = parseKeysCommand(process.argv.slice(2));
  if (command.kind === 'help') {
    process.stdout.write(KEYS_USAGE);
    return;
  }
  const env = parseEnvironment(cliEnvironmentSchema, process.env);
  if (command.kind === 'create' && command.brandIds) await checkBrands(env.PLAN_FILE, command.brandIds);
  const settings = toRedisSettings(env);
  const redis = createRedis(settings, 'tocsin-keys');
  // ioredis reports connection failures as events; the last one explains a command that failed.
  let connectionError: Error | undefined;
  redis.on('error', (error: Error) => (connectionError = error));
  try {
    const store = new IngestKeyStore(redis, new RedisKeys(settings.keyPrefix));
    switch (command.kind) {
      case 'create': {
        const { key, record } = await store.create(command.source, command.brandIds, systemClock.now());
        // The key alone on stdout (KEY=$(npm run -s keys -- create …)); what it is on stderr.
        process.stderr.write(
          `ingest key ${record.id} for source "${record.source}" (${record.brandIds?.join(', ') ?? 'all brands'}).\n` +
            'It is shown this once: only its SHA-256 is stored. Send it as "Authorization: Bearer <key>".\n',
        );
        process.stdout.write(`${key}\n`);
        return;
      }
      case 'revoke': {
        const revoked = await store.revoke(command.id, systemClock.now());
        if (!revoked) throw new Error(`no ingest key ${command.id} (see \`npm run -s keys -- list\`)`);
        process.stdout.write(`${describeKey(revoked)}\n`);
        return;
      }
      case 'list': {
        const records = await store.list();
        if (records.length === 0) process.stderr.write('no ingest keys\n');
        for (const record of records) process.stdout.write(`${describeKey(record)}\n`);
        return;
      }
    }
  } catch (error) {
    if (!connectionError) throw error;
    throw new Error(`cannot use Redis at ${settings.url}: ${connectionError.message}`, { cause: error });
  } finally {
    redis.disconnect();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`keys: ${redactCredentials(error instanceof Error ? error.message : String(error))}\n`);
  process.exitCode = 1;
});

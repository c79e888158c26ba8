import { z } from 'zod';
import type { ZodType, ZodTypeDef } from 'zod';
import { TocsinError } from './errors';
import { redactCredentials } from './redaction';

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Parses an app's settings from environment variables with a zod schema whose keys are the
 * variable names. Fails with every offending variable, its expected form and the value given,
 * e.g. `KAFKA_BROKERS: expected host:port[,host:port], got "kafka"`; credentials in a given
 * value are shown as `***` (`redis://***@redis:6379`): start-up errors end up in shared logs.
 */
export function parseEnvironment<T>(schema: ZodType<T, ZodTypeDef, unknown>, env: Environment): Readonly<T> {
  const result = schema.safeParse(env);
  if (result.success) return Object.freeze(result.data);
  const lines = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '(environment)');
    const given = env[name];
    return `${name}: ${issue.message}, got ${given === undefined ? 'nothing' : redactCredentials(JSON.stringify(given))}`;
  });
  throw new TocsinError('invalid_environment', `Invalid environment variables:\n  ${lines.join('\n  ')}`);
}

const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `LOG_LEVEL=warn` keeps warnings and errors: a level includes every level above it. */
export const logLevelSchema = z
  .enum(LOG_LEVELS)
  .default('log')
  .transform((level): LogLevel[] => LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1));

/**
 * How old (event time against the clock) a mention or spike interval may be and still be live:
 * older ones are counted and learnt from but page no one and do not reach the live wall, so a
 * backfill or a replay from a topic's start stays quiet.
 */
export const liveMaxAgeSchema = z.coerce.number().int().positive().default(3_600_000);

/**
 * How far ahead of the receiving clock a mention's createdAt may be: sources' clocks drift a
 * little, and one mention dated far in the future must not move event time for everyone.
 */
export const maxClockSkewSchema = z.coerce.number().int().nonnegative().default(300_000);

export const DEPLOYMENTS = ['production', 'development', 'test'] as const;
export type Deployment = (typeof DEPLOYMENTS)[number];

/**
 * NODE_ENV: production unless said otherwise, so a forgotten variable never relaxes a check.
 * `development` and `test` allow what only a developer's machine may do (plain http to
 * loopback webhooks, unsigned webhooks with a warning).
 */
export const deploymentSchema = z.enum(DEPLOYMENTS).default('production');

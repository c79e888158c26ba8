import type { ZodType, ZodTypeDef } from 'zod';
import { TocsinError } from './errors';

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Parses an app's settings from environment variables with a zod schema whose keys are the
 * variable names. Fails with every offending variable, its expected form and the value given,
 * e.g. `KAFKA_BROKERS: expected host:port[,host:port], got "kafka"`.
 */
export function parseEnvironment<T>(schema: ZodType<T, ZodTypeDef, unknown>, env: Environment): Readonly<T> {
  const result = schema.safeParse(env);
  if (result.success) return Object.freeze(result.data);
  const lines = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '(environment)');
    const given = env[name];
    return `${name}: ${issue.message}, got ${given === undefined ? 'nothing' : JSON.stringify(given)}`;
  });
  throw new TocsinError('invalid_environment', `Invalid environment variables:\n  ${lines.join('\n  ')}`);
}

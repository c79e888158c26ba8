import type { DynamicModule, INestApplicationContext } from '@nestjs/common';
import type { LogLevel } from '@tocsin/domain';
import { Logger as PinoLogger, LoggerModule } from 'nestjs-pino';
import { destination } from 'pino';
import { z } from 'zod';

/** `text`: Nest's coloured lines, for people; `json`: one JSON object a line (pino), for collectors. */
export const logFormatSchema = z.enum(['text', 'json']).default('text');
export type LogFormat = z.infer<typeof logFormatSchema>;

/**
 * Request headers that carry secrets (ingest keys, session cookies), censored in every JSON log
 * line that holds a request or a response, whoever logs it.
 */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
];

/** Pino's level for the most verbose of Nest's enabled levels. */
function pinoLevel(levels: readonly LogLevel[]): string {
  if (levels.includes('verbose')) return 'trace';
  if (levels.includes('debug')) return 'debug';
  if (levels.includes('log')) return 'info';
  if (levels.includes('warn')) return 'warn';
  return 'error';
}

/** The modules an app imports for its log format: pino's, through nestjs-pino, for JSON. */
export function loggingImports(format: LogFormat, levels: readonly LogLevel[]): DynamicModule[] {
  if (format !== 'json') return [];
  // Requests are not logged one by one: at thousands a second that would be the app's main work.
  // Written synchronously: the few lines left are then never lost when the process exits on a
  // signal right after its last "stopped cleanly".
  return [
    LoggerModule.forRoot({
      pinoHttp: [
        { level: pinoLevel(levels), autoLogging: false, redact: { paths: REDACTED_LOG_PATHS, censor: '***' } },
        destination({ dest: 1, sync: true }),
      ],
    }),
  ];
}

/**
 * Routes Nest's logs (and the `new Logger(context)` calls of the code) to pino when the format
 * is JSON; the app was created with `bufferLogs`, so its start-up lines go there too.
 */
export function useConfiguredLogger(app: INestApplicationContext, format: LogFormat): void {
  if (format === 'json') app.useLogger(app.get(PinoLogger));
}

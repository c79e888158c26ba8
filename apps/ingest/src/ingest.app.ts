import { useConfiguredLogger } from '@tocsin/observability';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import { text } from 'express';
import type { IngestConfig } from './config';
import { IngestKeyAuthenticator } from './ingest-key.authenticator';
import { requireIngestKey } from './ingest-key.middleware';
import { IngestModule } from './ingest.module';
import { ACCEPTED_CONTENT_TYPES } from './mention-batch.parser';

interface BodyParserError {
  type?: string;
  status?: number;
  message: string;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return typeof error === 'object' && error !== null && 'type' in error && 'status' in error;
}

/**
 * Builds the ingest app: the ingest key is checked first, then the body is read as text so every
 * format error can be named precisely.
 */
export async function createIngestApp(config: IngestConfig): Promise<INestApplication> {
  const app = await NestFactory.create(IngestModule.forConfig(config), {
    bodyParser: false,
    logger: config.logLevels,
    bufferLogs: config.logFormat === 'json',
  });
  useConfiguredLogger(app, config.logFormat);
  // `/health` and `/metrics` stay open to supervisors and scrapers; mentions need a key.
  app.use('/v1/mentions', requireIngestKey(app.get(IngestKeyAuthenticator)));
  app.use(text({ type: [...ACCEPTED_CONTENT_TYPES, 'text/*'], limit: config.maxBodyBytes }));
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (!isBodyParserError(error)) return next(error);
    const status = error.type === 'entity.too.large' ? 413 : (error.status ?? 400);
    const message =
      status === 413 ? `request body larger than ${config.maxBodyBytes} bytes` : `unreadable body: ${error.message}`;
    res.status(status).json({ statusCode: status, message });
  });
  app.enableShutdownHooks();
  return app;
}

import { useConfiguredLogger } from '@tocsin/observability';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { IngestConfig } from './config';
import { IngestKeyAuthenticator } from './ingest-key.authenticator';
import { requireIngestKey } from './ingest-key.middleware';
import { IngestModule } from './ingest.module';
import { mentionsRoute, MentionsIntake } from './mentions.controller';

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
  app.use(
    '/v1/mentions',
    requireIngestKey(app.get(IngestKeyAuthenticator)),
    mentionsRoute(app.get(MentionsIntake), config),
  );
  app.enableShutdownHooks();
  return app;
}

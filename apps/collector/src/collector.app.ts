import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TocsinError } from '@tocsin/domain';
import { formatSourcesError, loadSourcesFile } from '@tocsin/sources';
import { CollectorModule } from './collector.module';
import type { CollectorConfig } from './config';

/** Builds the collector: an invalid sources file stops it before anything connects. */
export async function createCollectorApp(config: CollectorConfig): Promise<INestApplication> {
  const loaded = await loadSourcesFile(config.sourcesFile);
  if (!loaded.ok) {
    const lines = loaded.errors.map(formatSourcesError).join('\n  ');
    throw new TocsinError('invalid_sources', `sources file ${config.sourcesFile} is invalid:\n  ${lines}`);
  }
  const app = await NestFactory.create(CollectorModule.forConfig(config, loaded.sources), { logger: config.logLevels });
  app.enableShutdownHooks();
  return app;
}

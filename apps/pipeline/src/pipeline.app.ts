import { useConfiguredLogger } from '@tocsin/observability';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { PipelineConfig } from './config';
import { PipelineModule } from './pipeline.module';

/** The pipeline has no HTTP surface: an application context running its consumers. */
export async function createPipelineApp(config: PipelineConfig): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(PipelineModule.forConfig(config), {
    logger: config.logLevels,
    bufferLogs: config.logFormat === 'json',
  });
  useConfiguredLogger(app, config.logFormat);
  app.enableShutdownHooks();
  return app;
}

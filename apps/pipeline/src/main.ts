import { Logger } from '@nestjs/common';
import { loadPipelineConfig } from './config';
import { createPipelineApp } from './pipeline.app';

async function bootstrap(): Promise<void> {
  const config = loadPipelineConfig(process.env);
  await createPipelineApp(config);
  new Logger('pipeline').log(`consuming ${config.kafka.topicPrefix}mentions.raw and mentions.enriched`);
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

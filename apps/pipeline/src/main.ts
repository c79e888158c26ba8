import { redactCredentials } from '@tocsin/domain';
import { Logger } from '@nestjs/common';
import { loadPipelineConfig } from './config';
import { createPipelineApp } from './pipeline.app';

async function bootstrap(): Promise<void> {
  const config = loadPipelineConfig(process.env);
  await createPipelineApp(config);
  new Logger('pipeline').log(`consuming ${config.kafka.topicPrefix}mentions.raw and mentions.enriched`);
}

bootstrap().catch((error: unknown) => {
  // A client library may quote its connection string in the error; its password stays out of logs.
  console.error(redactCredentials(error instanceof Error ? error.message : String(error)));
  process.exit(1);
});

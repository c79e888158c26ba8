import { Logger } from '@nestjs/common';
import { createAlerterApp } from './alerter.app';
import { loadAlerterConfig } from './config';

async function bootstrap(): Promise<void> {
  const config = loadAlerterConfig(process.env);
  await createAlerterApp(config);
  new Logger('alerter').log(`consuming ${config.kafka.topicPrefix}alerts.signals, relaying the outbox`);
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

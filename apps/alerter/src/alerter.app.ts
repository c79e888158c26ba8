import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AlerterModule } from './alerter.module';
import type { AlerterConfig } from './config';

/** The alerter has no HTTP surface: an application context running its consumer, timers and relay. */
export async function createAlerterApp(config: AlerterConfig): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(AlerterModule.forConfig(config), {
    logger: config.logLevels,
  });
  app.enableShutdownHooks();
  return app;
}

import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { resolve } from 'node:path';
import { REDIS_CLIENT } from '@tocsin/redis';
import type Redis from 'ioredis';
import type { GatewayConfig } from './config';
import { GatewayModule } from './gateway.module';
import { RedisIoAdapter } from './redis-io.adapter';

/** Builds the gateway: HTTP API, wall pages and socket.io on one port. */
export async function createGatewayApp(config: GatewayConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.forConfig(config), {
    logger: config.logLevels,
  });
  const adapter = new RedisIoAdapter(app, config.socketLimits);
  await adapter.connectToRedis(app.get<Redis>(REDIS_CLIENT));
  app.useWebSocketAdapter(adapter);
  app.useStaticAssets(resolve(config.publicDir), { index: 'index.html' });
  app.enableShutdownHooks();
  return app;
}

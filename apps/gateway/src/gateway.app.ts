import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { resolve } from 'node:path';
import { REDIS_CLIENT } from '@tocsin/redis';
import helmet from 'helmet';
import type Redis from 'ioredis';
import { SessionGate } from './auth/session.store';
import type { GatewayConfig } from './config';
import { GatewayModule } from './gateway.module';
import { RedisIoAdapter } from './redis-io.adapter';

/** Builds the gateway: HTTP API, wall pages and socket.io on one port. */
export async function createGatewayApp(config: GatewayConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.forConfig(config), {
    logger: config.logLevels,
  });
  const sessions = app.get(SessionGate);
  const adapter = new RedisIoAdapter(app, config.socketLimits, {
    sessions,
    allowedOrigin: new URL(config.publicUrl).origin,
    checkIntervalMs: config.session.checkIntervalMs,
  });
  await adapter.connectToRedis(app.get<Redis>(REDIS_CLIENT));
  app.useWebSocketAdapter(adapter);
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  // Headers first, then the pages (which hold no data and need no session), then sessions for
  // the API. No CORS middleware: the browser refuses other origins' reads of the API.
  app.use(helmet());
  app.useStaticAssets(resolve(config.publicDir), { index: 'index.html' });
  app.use(sessions.middleware);
  app.enableShutdownHooks();
  return app;
}

import { redactCredentials } from '@tocsin/domain';
import { Logger } from '@nestjs/common';
import { loadGatewayConfig } from './config';
import { createGatewayApp } from './gateway.app';

async function bootstrap(): Promise<void> {
  const config = loadGatewayConfig(process.env);
  const app = await createGatewayApp(config);
  await app.listen(config.port, config.host);
  new Logger('gateway').log(`mention wall on http://127.0.0.1:${config.port}/`);
}

bootstrap().catch((error: unknown) => {
  // A client library may quote its connection string in the error; its password stays out of logs.
  console.error(redactCredentials(error instanceof Error ? error.message : String(error)));
  process.exit(1);
});

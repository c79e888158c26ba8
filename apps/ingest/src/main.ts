import { redactCredentials } from '@tocsin/domain';
import { Logger } from '@nestjs/common';
import { loadIngestConfig } from './config';
import { createIngestApp } from './ingest.app';

async function bootstrap(): Promise<void> {
  const config = loadIngestConfig(process.env);
  const app = await createIngestApp(config);
  await app.listen(config.port, config.host);
  new Logger('ingest').log(
    `listening on http://${config.host}:${config.port} (POST /v1/mentions, GET /health, GET /metrics)`,
  );
}

bootstrap().catch((error: unknown) => {
  // A client library may quote its connection string in the error; its password stays out of logs.
  console.error(redactCredentials(error instanceof Error ? error.message : String(error)));
  process.exit(1);
});

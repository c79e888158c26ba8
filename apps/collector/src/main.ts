import { Logger } from '@nestjs/common';
import { createCollectorApp } from './collector.app';
import { loadCollectorConfig } from './config';

async function bootstrap(): Promise<void> {
  const config = loadCollectorConfig(process.env);
  const app = await createCollectorApp(config);
  await app.listen(config.port, config.host);
  new Logger('collector').log(
    `collecting from ${config.sourcesFile} as ${config.instanceId}; health on http://${config.host}:${config.port}/health`,
  );
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

/**
 * The API process: the GA4GH WES API over the read model and Temporal. Stateless: run as many as
 * needed behind a load balancer. SIGINT/SIGTERM stop it gracefully (Nest's shutdown hooks close the
 * HTTP server, then the Temporal connection, then the database).
 */
import { Logger } from '@nestjs/common';
import { createApp, DOCS_PATH } from './api/app';
import { API_PREFIX } from './api/core/base-url';
import { authEnabled } from './config/auth-config';
import { loadConfig } from './config/config';
import { openDatabase } from '../read-model/data-source';
import { PostgresRunStore } from '../read-model/postgres-run-store';
import { refuseOlderNode } from './processes/node-version';

async function main(): Promise<void> {
  refuseOlderNode('api');
  const config = loadConfig();
  if (!config.databaseUrl) {
    console.error('api: DATABASE_URL is not set. `npm start` sets it for the embedded PostgreSQL; otherwise point it at yours.');
    process.exit(2);
  }
  try {
    authEnabled(config);
  } catch (err) {
    console.error(`api: ${(err as Error).message}`);
    process.exit(2);
  }
  const dataSource = await openDatabase(config.databaseUrl);
  const app = await createApp({
    config,
    runStore: new PostgresRunStore(dataSource),
    onShutdown: async () => {
      await dataSource.destroy();
    },
  });
  await app.listen(config.apiPort, config.apiHost);
  const origin = `http://${config.apiHost}:${config.apiPort}`;
  const logger = new Logger('api');
  logger.log(`WES API: ${origin}/${API_PREFIX}`);
  logger.log(`API docs: ${origin}/${DOCS_PATH} (OpenAPI: ${origin}/${DOCS_PATH}-json)`);
  logger.log(`probes: ${origin}/healthz, ${origin}/readyz; metrics: ${origin}/metrics`);
}

main().catch((err: unknown) => {
  console.error('api: fatal', err);
  process.exit(1);
});

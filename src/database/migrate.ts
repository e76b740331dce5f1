/** Runs the pending migrations against DATABASE_URL: `node dist/src/database/migrate.js`. */
import { loadConfig } from '../config/config';
import { createDataSource, migrate } from '../../read-model/data-source';

async function main(): Promise<void> {
  const url = loadConfig().databaseUrl;
  if (!url) throw new Error('DATABASE_URL is not set');
  const dataSource = await createDataSource(url).initialize();
  try {
    const ran = await migrate(dataSource);
    console.log(ran.length > 0 ? `migrated: ${ran.join(', ')}` : 'no pending migrations');
  } finally {
    await dataSource.destroy();
  }
}

main().catch((err: unknown) => {
  console.error('migration failed:', err);
  process.exitCode = 1;
});

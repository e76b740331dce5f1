/**
 * The connection to the read model's PostgreSQL. Its schema comes from the migrations only,
 * run at start-up by every process that opens the database (API, worker, the migrate command).
 */
import { types } from 'pg';
import { DataSource, MigrationExecutor } from 'typeorm';
import { parseExactJson } from '../domain/exact-json';
import { RunCountSchema, RunSchema, TaskSchema, TransitionSchema } from './entities';
import { InitialSchema1795307182168 } from './migrations/1795307182168-InitialSchema';
import { Tasks1796152200000 } from './migrations/1796152200000-Tasks';
import { ReadPath1797000000000 } from './migrations/1797000000000-ReadPath';

export function createDataSource(url: string): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: [RunSchema, TransitionSchema, TaskSchema, RunCountSchema],
    migrations: [InitialSchema1795307182168, Tasks1796152200000, ReadPath1797000000000],
    migrationsRun: false,
    migrationsTransactionMode: 'all',
    synchronize: false,
    logging: false,
    // jsonb keeps a number's digits (it is numeric); read back, they stay as exact (docs/formats.md, "Numbers").
    extra: { types: { getTypeParser: exactJsonTypeParser } },
  });
}

/** pg's own parsers, but json and jsonb as exact JSON. */
function exactJsonTypeParser(oid: Parameters<typeof types.getTypeParser>[0], format?: 'text' | 'binary'): (value: string) => unknown {
  if (oid === types.builtins.JSONB || oid === types.builtins.JSON) return parseExactJson;
  return types.getTypeParser(oid, format) as (value: string) => unknown;
}

/** Connects, and brings the schema up to date. */
export async function openDatabase(url: string): Promise<DataSource> {
  const dataSource = await createDataSource(url).initialize();
  try {
    await migrate(dataSource);
  } catch (err) {
    await dataSource.destroy();
    throw err;
  }
  return dataSource;
}

/**
 * Runs the pending migrations, all in one transaction that first takes an advisory lock: processes
 * starting together run them one after the other, and all but the first find nothing to do.
 * TypeORM's own runMigrations takes no lock, and creates its bookkeeping table outside its
 * transaction, where two processes race. Returns the names of the migrations run.
 */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  return dataSource.transaction(async (manager) => {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('durable-wes migrations'))`);
    const migrations = await new MigrationExecutor(dataSource, manager.queryRunner).executePendingMigrations();
    return migrations.map((migration) => migration.name);
  });
}

/**
 * The worker process: hosts the run workflow and its activities on one task queue.
 * Temporal's runtime turns SIGINT/SIGTERM into a graceful shutdown (in-flight activities get
 * the worker's grace time), after which `run()` resolves and the process exits.
 */
import { Client } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { ClosedRunReconciler } from './closed-run-reconciler';
import { createProviderRegistry } from '../activities/providers';
import { loadConfig } from './config';
import { openDatabase } from './database/data-source';
import { PostgresRunStore } from './database/postgres-run-store';
import { createRunWorkers, runWorkers } from './create-worker';
import { loadWorkflowBundle } from './workflow-bundle';

/** How soon a run terminated in Temporal shows as failed in the read model. */
const RECONCILE_EVERY_MS = 10_000;

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl) throw new Error('DATABASE_URL is not set: the worker projects runs into the read model');
  Runtime.install({ shutdownSignals: ['SIGINT', 'SIGTERM'] });
  const database = await openDatabase(config.databaseUrl);
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  try {
    const registry = createProviderRegistry(config);
    const runStore = new PostgresRunStore(database);
    const workers = await createRunWorkers({
      connection,
      namespace: config.temporalNamespace,
      taskQueue: config.taskQueue,
      registry,
      runStore,
      dataDir: config.dataDir,
      hostId: config.hostId,
      workflowBundle: await loadWorkflowBundle(config.workflowBundlePath),
    });
    const reconciling = new AbortController();
    void new ClosedRunReconciler(new Client({ connection, namespace: config.temporalNamespace }), runStore).run(RECONCILE_EVERY_MS, reconciling.signal);
    console.log(
      `worker: polling task queue '${config.taskQueue}' and those of providers ${registry.names().join(', ')} on ${config.temporalAddress}`,
    );
    await runWorkers(workers);
    reconciling.abort();
    console.log('worker: stopped');
  } finally {
    await connection.close();
    await database.destroy();
  }
}

main().catch((err) => {
  console.error('worker: fatal', err);
  process.exit(1);
});

/**
 * The worker process: hosts the run workflow and its activities on one task queue.
 * Temporal's runtime turns SIGINT/SIGTERM into a graceful shutdown (in-flight activities get
 * the worker's grace time), after which `run()` resolves and the process exits.
 * It logs through pino (JSON lines unless on a terminal) and serves Prometheus metrics
 * (docs/deployment.md, "Operations").
 */
import { Client } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import type { Logger } from 'pino';
import { ClosedRunReconciler } from './worker/closed-run-reconciler';
import { createProviderRegistry } from '../activities/providers';
import { loadConfig, type Config } from './config/config';
import { openDatabase } from '../read-model/data-source';
import { PostgresRunStore } from '../read-model/postgres-run-store';
import { createRunWorkers, runWorkers } from './worker/create-worker';
import { createLogger } from './logging/create-logger';
import { temporalLogger } from './logging/temporal-logger';
import { countingTransitions } from './worker/counting-run-store';
import { startMetricsServer } from './worker/metrics-server';
import { WorkerMetrics } from '../activities/worker-metrics';
import { freePort } from './processes/free-port';
import { connectFailure, temporalConnectionOptions } from './temporal/temporal-connection';
import { loadWorkflowBundle } from './worker/workflow-bundle';
import { refuseOlderNode } from './processes/node-version';
import { holdHeapsToSizing } from './worker/heap-limit';

/** How soon a run terminated in Temporal shows as failed in the read model. */
const RECONCILE_EVERY_MS = 10_000;

/**
 * The metrics endpoint, if configured. A port that is taken costs the metrics, not the runs: the
 * worker goes on without them, and says so.
 */
async function serveMetrics(config: Config, metrics: WorkerMetrics, sdkMetricsAddress: string | undefined, logger: Logger) {
  if (!config.workerMetrics) return undefined;
  const { host, port } = config.workerMetrics;
  try {
    const server = await startMetricsServer({ host, port, registry: metrics.registry, sdkMetricsAddress });
    logger.info(`metrics at http://${host}:${port}/metrics`);
    return server;
  } catch (err) {
    logger.error({ err }, `no metrics: cannot listen on ${host}:${port}`);
    return undefined;
  }
}

let logger: Logger | undefined;

async function main(): Promise<void> {
  refuseOlderNode('worker');
  const config = loadConfig();
  const log = createLogger({ name: 'worker', level: config.logLevel });
  logger = log;
  const unbounded = holdHeapsToSizing(config.workerSizing);
  if (unbounded) log.warn(unbounded);
  const { budgetMiB, heapMiB, workflowCache, workflowTasks, localActivities, activities } = config.workerSizing;
  log.info(
    `sized for ${budgetMiB} MiB: heaps of ${heapMiB} MiB, ${workflowCache} workflows cached, ${workflowTasks} workflow tasks, ` +
      `${localActivities} local activities and at most ${activities} activities of a provider at once`,
  );
  if (!config.databaseUrl) throw new Error('DATABASE_URL is not set: the worker projects runs into the read model');
  const metrics = new WorkerMetrics().withProcessMetrics();
  // The SDK's core serves its metrics on loopback only; /metrics of the worker passes them on.
  const sdkMetricsAddress = config.workerMetrics ? `127.0.0.1:${await freePort()}` : undefined;
  Runtime.install({
    logger: temporalLogger(log),
    shutdownSignals: ['SIGINT', 'SIGTERM'],
    telemetryOptions: {
      // The core's own lines go to the same logger, as JSON too.
      logging: { forward: {}, filter: { core: 'WARN', other: 'ERROR' } },
      ...(sdkMetricsAddress ? { metrics: { prometheus: { bindAddress: sdkMetricsAddress } } } : {}),
    },
  });
  const metricsServer = await serveMetrics(config, metrics, sdkMetricsAddress, log);
  const database = await openDatabase(config.databaseUrl);
  const connection = await NativeConnection.connect(temporalConnectionOptions(config)).catch((err: unknown) => {
    throw connectFailure(config, err);
  });
  try {
    const registry = createProviderRegistry(config);
    for (const name of registry.names()) await registry.get(name).checkHost?.(name, log);
    const runStore = countingTransitions(new PostgresRunStore(database), metrics);
    const workers = await createRunWorkers({
      connection,
      namespace: config.temporalNamespace,
      taskQueue: config.taskQueue,
      registry,
      runStore,
      dataDir: config.dataDir,
      hostId: config.hostId,
      workflowBundle: await loadWorkflowBundle(config.workflowBundlePath),
      metrics,
      sizing: config.workerSizing,
      deployment: config.workerDeployment,
      payloadKeys: config.payloadKeys,
    });
    const reconciling = new AbortController();
    void new ClosedRunReconciler(new Client({ connection, namespace: config.temporalNamespace }), runStore).run(
      RECONCILE_EVERY_MS,
      reconciling.signal,
      (message) => log.warn(message),
    );
    const version = config.workerDeployment
      ? ` as version ${config.workerDeployment.deploymentName}:${config.workerDeployment.buildId}`
      : '';
    log.info(
      `polling task queue '${config.taskQueue}' and those of providers ${registry.names().join(', ')} on ${config.temporalAddress}${version}`,
    );
    await runWorkers(workers);
    reconciling.abort();
    log.info('stopped');
  } finally {
    metricsServer?.close();
    await connection.close();
    await database.destroy();
  }
}

main().catch((err: unknown) => {
  // Before the configuration is read there is no logger yet.
  if (logger) logger.fatal({ err }, 'fatal');
  else console.error('worker: fatal', err);
  process.exit(1);
});

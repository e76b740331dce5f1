/**
 * Builds the worker that hosts run workflows and their activities. Used by src/worker.ts and by
 * the tests, so that tests exercise the production wiring.
 */
import { NativeConnection, Worker, type WorkerOptions, type WorkflowBundleOption } from '@temporalio/worker';
import { createReadModelActivities } from '../activities/read-model-activities';
import { createRunActivities } from '../activities/run-activities';
import type { ProviderRegistry } from '../activities/provider-registry';
import type { RunStore } from './database/run-store';

export interface RunWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue: string;
  registry: ProviderRegistry;
  runStore: RunStore;
  dataDir: string;
  workflowBundle: WorkflowBundleOption;
  /** Extra worker options, e.g. tests failing fast on non-determinism. */
  overrides?: Partial<WorkerOptions>;
}

export function createRunWorker(options: RunWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue,
    workflowBundle: options.workflowBundle,
    activities: {
      ...createRunActivities({ registry: options.registry, dataDir: options.dataDir }),
      ...createReadModelActivities(options.runStore),
    },
    // A worker stops within its grace time on SIGTERM; activities past it are cancelled, then forced.
    shutdownGraceTime: '10 seconds',
    shutdownForceTime: '20 seconds',
    maxCachedWorkflows: 1000,
    // Activities learn of a cancel only when a heartbeat goes out: send them often enough that a
    // cancelled preparation stops in seconds, not in 80% of its heartbeat timeout.
    maxHeartbeatThrottleInterval: '2 seconds',
    ...options.overrides,
  });
}

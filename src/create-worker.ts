/**
 * Builds the workers of one process: the run worker (run workflows, provider selection, read-model
 * projections) and one worker per provider, on the provider's own task queue with its own
 * concurrency limit. Used by src/worker.ts and by the tests, so tests exercise production wiring.
 */
import { NativeConnection, Worker, type WorkerOptions, type WorkflowBundleOption } from '@temporalio/worker';
import { createReadModelActivities } from '../activities/read-model-activities';
import { createRunActivities } from '../activities/run-activities';
import type { ProviderRegistry } from '../activities/provider-registry';
import { providerTaskQueue } from '../workflows/task-queues';
import type { RunStore } from './database/run-store';

export interface RunWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue: string;
  registry: ProviderRegistry;
  runStore: RunStore;
  dataDir: string;
  workflowBundle: WorkflowBundleOption;
  /** Extra options for the run worker, e.g. tests failing fast on non-determinism. */
  overrides?: Partial<WorkerOptions>;
}

/** Shared by every worker of the process. */
const LIFECYCLE: Partial<WorkerOptions> = {
  // A worker stops within its grace time on SIGTERM; activities past it are cancelled, then forced.
  shutdownGraceTime: '10 seconds',
  shutdownForceTime: '20 seconds',
  // Activities learn of a cancel only when a heartbeat goes out: send them often enough that a
  // cancelled preparation stops in seconds, not in 80% of its heartbeat timeout.
  maxHeartbeatThrottleInterval: '2 seconds',
};

export async function createRunWorkers(options: RunWorkerOptions): Promise<Worker[]> {
  const { connection, registry } = options;
  const namespace = options.namespace ?? 'default';
  const runActivities = createRunActivities({ registry, dataDir: options.dataDir });
  const runWorker = await Worker.create({
    connection,
    namespace,
    taskQueue: options.taskQueue,
    workflowBundle: options.workflowBundle,
    // Every activity is here too: runs started before provider task queues existed schedule them here.
    activities: { ...runActivities, ...createReadModelActivities(options.runStore) },
    maxCachedWorkflows: 1000,
    ...LIFECYCLE,
    ...options.overrides,
  });
  const providerWorkers = await Promise.all(
    registry.names().map((name) =>
      Worker.create({
        connection,
        namespace,
        taskQueue: providerTaskQueue(options.taskQueue, name),
        activities: runActivities,
        maxConcurrentActivityTaskExecutions: registry.concurrency(name),
        ...LIFECYCLE,
      }),
    ),
  );
  return [runWorker, ...providerWorkers];
}

/** Runs the workers until all of them have shut down (SIGINT/SIGTERM, or `shutdown()`). */
export async function runWorkers(workers: Worker[]): Promise<void> {
  await Promise.all(workers.map((worker) => worker.run()));
}

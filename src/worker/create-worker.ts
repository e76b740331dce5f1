/**
 * Builds the workers of one process: the run worker (run workflows, provider selection, read-model
 * projections) and one worker per provider, on the provider's own task queue with its own
 * concurrency limit. Used by src/worker.ts and by the tests, so tests exercise production wiring.
 */
import { NativeConnection, Worker, type WorkerOptions, type WorkflowBundleOption } from '@temporalio/worker';
import { createReadModelActivities } from '../../activities/read-model-activities';
import { createRunActivities } from '../../activities/run-activities';
import { createTaskActivities } from '../../activities/task-activities';
import type { ProviderRegistry } from '../../activities/providers/provider-registry';
import { reportCapabilities } from '../../activities/providers/capability-reports';
import { hostTaskQueue, providerTaskQueue } from '../../domain/task-queues';
import type { WorkerDeploymentVersion } from '../config/config';
import type { WorkerSizing } from './worker-sizing';
import type { RunStore } from '../../read-model/run-store';
import { workerDeploymentOptions } from '../deployments/worker-versioning';
import { countActivityOutcomes } from './activity-outcomes';
import { WorkerMetrics } from '../../activities/worker-metrics';
import { createDataConverter, payloadBlobDir } from '../payloads/data-converter';
import type { PayloadKey } from '../payloads/payload-keys';

export interface RunWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue: string;
  registry: ProviderRegistry;
  runStore: RunStore;
  dataDir: string;
  /** This host's name among the workers: local runs launched here are followed on its own queue. */
  hostId: string;
  workflowBundle: WorkflowBundleOption;
  /** Where the workers count provider calls and activities; counted unseen without. */
  metrics?: WorkerMetrics;
  /** Cache and concurrency from the worker's memory budget (src/worker/worker-sizing.ts); the SDK's defaults and a cache of 1000 without (tests). */
  sizing?: WorkerSizing;
  /** The Worker Deployment Version every worker of the process belongs to (WES_DEPLOYMENT_NAME, WES_BUILD_ID); unversioned without. */
  deployment?: WorkerDeploymentVersion;
  /** Keys that encrypt payloads at rest (WES_PAYLOAD_KEYS); none without. */
  payloadKeys?: PayloadKey[];
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
  const { connection, registry, taskQueue, hostId } = options;
  const namespace = options.namespace ?? 'default';
  // Names the host, so that a run's history shows which host launched it.
  const identity = `${process.pid}@${hostId}`;
  const dataConverter = createDataConverter(payloadBlobDir(options.dataDir), { keys: options.payloadKeys });
  const metrics = options.metrics ?? new WorkerMetrics();
  const interceptors = { activity: [countActivityOutcomes(metrics)] };
  const versioning = workerDeploymentOptions(options.deployment);
  const { sizing } = options;
  const runActivities = createRunActivities({
    registry,
    runStore: options.runStore,
    dataDir: options.dataDir,
    hostQueue: (provider) => hostTaskQueue(taskQueue, provider, hostId),
    metrics,
  });
  const runWorker = await Worker.create({
    connection,
    namespace,
    taskQueue,
    workflowBundle: options.workflowBundle,
    // Local activities (provider choice, read-model projections) run here, and so do the cleanup
    // of a run that never got a provider and the staging of a task's attachments for its steps.
    activities: { ...runActivities, ...createReadModelActivities(options.runStore), ...createTaskActivities({ dataDir: options.dataDir }) },
    maxCachedWorkflows: sizing?.workflowCache ?? 1000,
    // A burst of resumes waits in Temporal's task queue rather than in this process's memory.
    ...(sizing
      ? {
          maxConcurrentWorkflowTaskExecutions: sizing.workflowTasks,
          maxConcurrentLocalActivityExecutions: sizing.localActivities,
          maxConcurrentActivityTaskExecutions: sizing.activities,
        }
      : {}),
    dataConverter,
    identity,
    interceptors,
    ...versioning,
    ...LIFECYCLE,
    ...options.overrides,
  });
  const providerQueues = registry
    .names()
    .flatMap((name) => [
      { name, queue: providerTaskQueue(taskQueue, name) },
      ...(registry.get(name).hostBound ? [{ name, queue: hostTaskQueue(taskQueue, name, hostId) }] : []),
    ]);
  const providerWorkers = await Promise.all(
    providerQueues.map(({ name, queue }) =>
      Worker.create({
        connection,
        namespace,
        taskQueue: queue,
        activities: runActivities,
        maxConcurrentActivityTaskExecutions: Math.min(registry.concurrency(name), sizing?.activities ?? Infinity),
        dataConverter,
        identity,
        interceptors,
        ...versioning,
        ...LIFECYCLE,
      }),
    ),
  );
  // For the API's service-info and readiness: it runs no engine to ask (docs/design.md, "Adding a provider").
  await reportCapabilities(options.dataDir, hostId, registry);
  return [runWorker, ...providerWorkers];
}

/** Runs the workers until all of them have shut down (SIGINT/SIGTERM, or `shutdown()`). */
export async function runWorkers(workers: Worker[]): Promise<void> {
  await Promise.all(workers.map((worker) => worker.run()));
}

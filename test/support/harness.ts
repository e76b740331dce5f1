/**
 * A worker with the production wiring on a task queue of its own, a client, and a scratch data
 * dir, against the real dev server of the global set-up.
 */
import { Client, Connection, WorkflowFailedError, WorkflowHandle } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createProviderRegistry } from '../../activities/providers';
import type { ProviderRegistry } from '../../activities/providers/provider-registry';
import { parseProvidersConfig, type ProvidersConfig } from '../../activities/providers/config';
import { CWLTOOL } from '../../activities/providers/local/engines';
import { engineExecutable } from '../../activities/providers/local/engines/engine-install';
import { localSettings } from '../../activities/providers/local/settings';
import { createRunWorkers, runWorkers } from '../../src/worker/create-worker';
import { openDatabase } from '../../read-model/data-source';
import { PostgresRunStore } from '../../read-model/postgres-run-store';
import { createDataConverter, payloadBlobDir } from '../../src/payloads/data-converter';
import type { PayloadKey } from '../../src/payloads/payload-keys';
import { temporalConnectionOptions, type TemporalConnectionConfig } from '../../src/temporal/temporal-connection';
import { eventually } from './eventually';
import { installQuietRuntime } from './runtime';
import { snapshotQuery } from '../../domain/messages';
import type { ProviderRetry, RunInput, RunSnapshot, WesRunRequest } from '../../domain/run-types';
import { wesRunV5 } from '../../workflows/wes-run';
import { searchAttributesOf } from '../../domain/search-attributes';
import { wesTaskV1 } from '../../workflows/task-run';
import { bindParameters } from '../../src/task-definitions/bind-parameters';
import { parseTaskDefinition } from '../../src/task-definitions/parse-task-definition';

export const EXAMPLES = path.resolve(__dirname, '../../examples');

/** Provider calls retried fast, so that retry paths take a second, not minutes. */
export const FAST_RETRY: ProviderRetry = { initialInterval: '100ms', maximumInterval: '200ms', maximumAttempts: 3 };

export interface Harness {
  client: Client;
  runStore: PostgresRunStore;
  taskQueue: string;
  dataDir: string;
  registry: ProviderRegistry;
  /** Starts the in-process worker (started at once unless `startWorker: false`). */
  startWorker(): Promise<void>;
  /** Shuts the workers down gracefully, as a host going away would. */
  stopWorker(): Promise<void>;
  /** Shuts the workers down gracefully and starts new ones, as a deployment would. */
  restartWorker(): Promise<void>;
  start(request: Partial<WesRunRequest>, options?: Partial<RunInput>): Promise<WorkflowHandle<typeof wesRunV5>>;
  /** A task run (docs/tasks.md) of a definition's text, checked and bound as the API does. */
  startTask(definition: string, workflowParams?: Record<string, unknown>): Promise<WorkflowHandle<typeof wesTaskV1>>;
  stop(): Promise<void>;
}

/** What a local provider with default settings runs for cwltool's default version (scripts/engines.sh installs it). */
export const DEFAULT_CWLTOOL = engineExecutable(localSettings({}).parse({ kind: 'local' }), CWLTOOL, CWLTOOL.releases.default);

/** The worker's providers and the API's, from one configuration as in production. */
export const TEST_PROVIDERS: ProvidersConfig = parseProvidersConfig(
  {
    default: 'simulated',
    providers: { local: { kind: 'local', workflowRoots: [EXAMPLES] }, simulated: { kind: 'simulated', pollIntervalMs: 20 } },
  },
  'TEST_PROVIDERS',
);

export async function createHarness(
  options: {
    startWorker?: boolean;
    taskQueue?: string;
    dataDir?: string;
    providers?: ProvidersConfig;
    hostId?: string;
    payloadKeys?: PayloadKey[];
    /** How to reach Temporal (TLS, API key); the dev server of the global set-up without. */
    temporal?: TemporalConnectionConfig;
  } = {},
): Promise<Harness> {
  installQuietRuntime();
  const connectionOptions = temporalConnectionOptions(options.temporal ?? { temporalAddress: process.env.TEMPORAL_ADDRESS! });
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'durable-wes-test-'));
  const taskQueue = options.taskQueue ?? `test-${randomUUID()}`;
  const registry = createProviderRegistry({ providers: options.providers ?? TEST_PROVIDERS });
  const database = await openDatabase(process.env.DATABASE_URL!);
  const runStore = new PostgresRunStore(database);
  const clientConnection = await Connection.connect(connectionOptions);
  const client = new Client({
    connection: clientConnection,
    dataConverter: createDataConverter(payloadBlobDir(dataDir), { keys: options.payloadKeys }),
  });
  let workerConnection: NativeConnection | undefined;
  let workers: Worker[] = [];
  let running: Promise<void> | undefined;

  const harness: Harness = {
    client,
    runStore,
    taskQueue,
    dataDir,
    registry,
    async startWorker() {
      workerConnection = await NativeConnection.connect(connectionOptions);
      workers = await createRunWorkers({
        connection: workerConnection,
        taskQueue,
        registry,
        runStore,
        dataDir,
        hostId: options.hostId ?? 'test-host',
        payloadKeys: options.payloadKeys,
        workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE_PATH! },
        overrides: {
          // Any error thrown by workflow code is a bug: fail the run at once instead of retrying the task.
          workflowFailureErrorTypes: { '*': ['Error'] },
        },
      });
      running = runWorkers(workers);
    },
    async stopWorker() {
      for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await workerConnection?.close();
      workerConnection = undefined;
    },
    async restartWorker() {
      await harness.stopWorker();
      await harness.startWorker();
    },
    async start(request, runOptions = {}) {
      const runId = `run-${randomUUID()}`;
      const input: RunInput = {
        runId,
        request: { workflow_type: 'SIMULATED', workflow_type_version: '1', workflow_url: 'simulated:', ...request },
        providerRetry: FAST_RETRY,
        ...runOptions,
      };
      // As the API starts a run: shown QUEUED in Temporal's search attributes from the start.
      const { provider, owner } = input;
      const typedSearchAttributes = searchAttributesOf({ wesState: 'QUEUED', workflowType: input.request.workflow_type, provider, owner });
      return client.workflow.start(wesRunV5, { taskQueue, workflowId: runId, args: [input], typedSearchAttributes });
    },
    async startTask(text, workflowParams = {}) {
      const runId = `run-${randomUUID()}`;
      const definition = parseTaskDefinition(text, 'task.yaml');
      const request = {
        workflow_type: 'DWES-TASK',
        workflow_type_version: '1.0',
        workflow_url: 'task.yaml',
        workflow_params: workflowParams,
      };
      const params = bindParameters(definition, workflowParams, 'task.yaml');
      return client.workflow.start(wesTaskV1, { taskQueue, workflowId: runId, args: [{ runId, request, definition, params }] });
    },
    async stop() {
      await harness.stopWorker();
      await clientConnection.close();
      await database.destroy();
    },
  };
  if (options.startWorker !== false) await harness.startWorker();
  return harness;
}

/** Queries the run until `predicate` holds; fails with the last snapshot after `timeoutMs`. */
export function waitForSnapshot(
  handle: WorkflowHandle,
  predicate: (snapshot: RunSnapshot) => boolean,
  timeoutMs = 30_000,
): Promise<RunSnapshot> {
  // A query that fails is asked again: the first workflow task may not have run yet.
  return eventually(() => handle.query(snapshotQuery), predicate, {
    timeoutMs,
    what: `a snapshot of run ${handle.workflowId} that matches`,
  });
}

/**
 * The run's final snapshot, however its workflow closed: a succeeded run returns it, a failed one
 * carries it in its failure, a cancelled one answers the query.
 */
export async function finalSnapshot(handle: WorkflowHandle): Promise<RunSnapshot> {
  try {
    return (await handle.result()) as RunSnapshot;
  } catch (err) {
    if (!(err instanceof WorkflowFailedError)) throw err;
    return handle.query(snapshotQuery);
  }
}

export function transitionTypes(snapshot: RunSnapshot): string[] {
  return snapshot.transitions.map((t) => `${t.type}:${t.to}`);
}

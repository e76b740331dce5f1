/**
 * A rolling upgrade under Worker Deployment Versioning, driven through the WES API and Temporal,
 * for any deployment of durable-wes: the jest test runs it on the dev server with worker processes
 * of its own, a cluster scenario with the cluster's workers (docs/deployment.md, "Deploying changes
 * to the run workflow").
 *
 *   1. workers of version N poll, N is current;
 *   2. runs in flight on N: some awaiting input at their approval gate, some paused by their
 *      provider, some long ones followed at their provider;
 *   3. workers of N+1 start, N+1 is made current; runs submitted now start on N+1;
 *   4. the waiting runs are resumed (on N: they are pinned to it), every run ends;
 *   5. N is reported drained, and its workers are stopped.
 *
 * Then every run completed exactly once, and its history proves that it ran on one version only:
 * each workflow task completed by a worker of the version it started on, each activity run by one.
 */
import type { Client } from '@temporalio/client';
import { decodeVersioningBehavior } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { ApiClient, type RunStatus } from '../../src/cli/api-client';
import type { WorkerDeploymentVersion } from '../../src/config';
import { setCurrentVersion, versionName, waitUntilDrained } from '../../src/deployments/deployment-versions';
import { isTerminalWesState } from '../../workflows/wes-state';
import { expectSameTransitions, submissions } from '../chaos/support/exactly-once';
import { reportRecovery } from '../chaos/support/recovery-report';
import { eventually } from './eventually';

/** The workers of one version, started by the caller's means (processes, a cluster's hosts). */
export interface VersionWorkers {
  /** Their identities as histories name them (`<pid>@<host id>`, src/create-worker.ts). */
  identities: string[];
  /** Stops them gracefully. */
  stop(): Promise<void>;
}

export interface RollingUpgradeOptions {
  /** The WES API, …/ga4gh/wes/v1, and a bearer token if it wants one. */
  apiUrl: string;
  token?: string;
  /** With the payload codec of the workers (src/payloads/data-converter.ts): it reads results. */
  client: Client;
  /** The deployment's WES_DATA_DIR, where the simulated provider counts each run's submissions. */
  dataDir: string;
  /** Starts workers of `version` and resolves once they poll. */
  startWorkers(version: WorkerDeploymentVersion): Promise<VersionWorkers>;
  /** Defaults to a fresh name; build ids `n` and `n-plus-1`. */
  deploymentName?: string;
  /** Runs of each kind; 4 each by default. */
  runsOfEachKind?: number;
  /** How long the long runs go; long enough to outlast the start of the new workers. */
  longRunMs?: number;
  /** For every wait; 5 minutes by default (a cluster with the server's default drainage intervals needs more). */
  timeoutMs?: number;
}

export interface RollingUpgradeReport {
  from: WorkerDeploymentVersion;
  to: WorkerDeploymentVersion;
  /** Run ids by the version they must have run on. */
  runsOn: Map<string, string[]>;
  longRunsRunningAtSwitch: number;
  switchMs: number;
  switchToOldRunsEndedMs: number;
  oldRunsEndedToDrainedMs: number;
  switchToDrainedMs: number;
}

type Kind = 'gated' | 'paused' | 'long' | 'after';

const bodyOf = (kind: Kind, tag: string, longRunMs: number) => ({
  workflow_type: 'SIMULATED',
  workflow_type_version: '1',
  workflow_url: 'simulated:',
  workflow_params: { gated: {}, paused: { pause_at_ms: 100, duration_ms: 1_000 }, long: { duration_ms: longRunMs }, after: { duration_ms: 1_000 } }[kind],
  tags: { upgrade: tag, kind, wes_provider: 'simulated', ...(kind === 'gated' ? { wes_require_approval: 'true' } : {}) },
});

export async function runRollingUpgrade(options: RollingUpgradeOptions): Promise<RollingUpgradeReport> {
  const { client } = options;
  const api = new ApiClient({ url: options.apiUrl, token: options.token });
  const deploymentName = options.deploymentName ?? `durable-wes-${randomUUID().slice(0, 8)}`;
  const from = { deploymentName, buildId: 'n' };
  const to = { deploymentName, buildId: 'n-plus-1' };
  const count = options.runsOfEachKind ?? 4;
  const longRunMs = options.longRunMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 5 * 60_000;
  const tag = randomUUID();
  const submit = (kind: Kind) =>
    Promise.all(Array.from({ length: count }, async () => (await api.json<{ run_id: string }>('POST', '/runs', bodyOf(kind, tag, longRunMs))).run_id));
  const states = (runIds: string[]) => Promise.all(runIds.map(async (id) => (await api.json<RunStatus>('GET', `/runs/${id}/status`)).state as string));
  const until = (runIds: string[], done: (state: string) => boolean, what: string) =>
    eventually(() => states(runIds), (all) => all.every(done), { timeoutMs, intervalMs: 250, what: `${runIds.length} runs ${what}` });

  const oldWorkers = await options.startWorkers(from);
  await setCurrentVersion(client, from);
  const [gated, paused, long] = [await submit('gated'), await submit('paused'), await submit('long')];
  await until([...gated, ...paused], (state) => state === 'PAUSED', 'awaiting input');
  await until(long, (state) => state === 'RUNNING', 'running at their provider');

  const newWorkers = await options.startWorkers(to);
  const switchedAt = Date.now();
  await setCurrentVersion(client, to);
  const switchMs = Date.now() - switchedAt;
  const longRunsRunningAtSwitch = (await states(long)).filter((state) => state === 'RUNNING').length;
  const after = await submit('after');
  for (const runId of [...gated, ...paused]) await api.json('POST', `/runs/${runId}/resume`, {});

  const old = [...gated, ...paused, ...long];
  await until(old, isTerminalWesState, 'of version N ended');
  const oldRunsEndedAt = Date.now();
  await waitUntilDrained(client, from, timeoutMs);
  const drainedAt = Date.now();
  await oldWorkers.stop();
  await until(after, isTerminalWesState, 'of version N+1 ended');
  await newWorkers.stop();

  const runsOn = new Map([
    [versionName(from), old],
    [versionName(to), after],
  ]);
  const identities = new Map([
    [versionName(from), oldWorkers.identities],
    [versionName(to), newWorkers.identities],
  ]);
  for (const [version, runIds] of runsOn) for (const runId of runIds) await expectRanOnceOn(client, api, runId, options.dataDir, version, identities.get(version)!);

  const figures = {
    longRunsRunningAtSwitch,
    switchMs,
    switchToOldRunsEndedMs: oldRunsEndedAt - switchedAt,
    oldRunsEndedToDrainedMs: drainedAt - oldRunsEndedAt,
    switchToDrainedMs: drainedAt - switchedAt,
  };
  reportRecovery('rolling-upgrade', { runsOfVersionN: old.length, runsOfVersionN1: after.length, ...figures });
  return { from, to, runsOn, ...figures };
}

/**
 * COMPLETE in the read model with the workflow's own transitions, submitted once, one execution in
 * Temporal; every workflow task completed by a worker of `version`, pinned, and every activity run
 * by one of `identities`.
 */
async function expectRanOnceOn(client: Client, api: ApiClient, runId: string, dataDir: string, version: string, identities: string[]): Promise<void> {
  expect({ runId, state: (await api.json<RunStatus>('GET', `/runs/${runId}/status`)).state }).toEqual({ runId, state: 'COMPLETE' });
  const { transitions } = await api.json<{ transitions: { seq: number; type: string; from: string; to: string }[] }>('GET', `/runs/${runId}/transitions`);
  const count = (type: string) => transitions.filter((t) => t.type === type).length;
  expect({ runId, state: await expectSameTransitions(client, runId, transitions), init: count('init'), finish: count('finish'), submissions: submissions(dataDir, runId) }).toEqual({
    runId,
    state: 'succeeded',
    init: 1,
    finish: 1,
    submissions: 1,
  });
  const executions = [];
  for await (const execution of client.workflow.list({ query: `WorkflowId = '${runId}'` })) executions.push(execution.runId);
  expect({ runId, executions: executions.length }).toEqual({ runId, executions: 1 });
  const events = (await client.workflow.getHandle(runId).fetchHistory()).events ?? [];
  const tasks = events.flatMap((event) => (event.workflowTaskCompletedEventAttributes ? [event.workflowTaskCompletedEventAttributes] : []));
  const ranOn = new Set(tasks.map((task) => `${task.deploymentVersion?.deploymentName}:${task.deploymentVersion?.buildId} ${decodeVersioningBehavior(task.versioningBehavior)}`));
  expect({ runId, tasks: tasks.length > 0, ranOn: [...ranOn] }).toEqual({ runId, tasks: true, ranOn: [`${version} PINNED`] });
  const activityWorkers = new Set(events.flatMap((event) => (event.activityTaskStartedEventAttributes ? [event.activityTaskStartedEventAttributes.identity] : [])));
  expect({ runId, foreign: [...activityWorkers].filter((identity) => !identities.includes(identity ?? '')) }).toEqual({ runId, foreign: [] });
}

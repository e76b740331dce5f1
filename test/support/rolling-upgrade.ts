/**
 * A rolling upgrade under Worker Deployment Versioning, driven through the WES API and Temporal,
 * for any deployment of durable-wes: the jest test runs it on the dev server with worker processes
 * of its own, a cluster scenario with the cluster's workers (docs/deployment.md, "Deploying changes
 * to the run workflow").
 *
 *   1. workers of version N poll, N is current;
 *   2. runs in flight on N, awaiting input: some at their approval gate, some paused by their
 *      provider;
 *   3. workers of N+1 start; more runs start on N, the current version: long ones followed at
 *      their provider, and some so busy that they continue as new every few seconds (started now
 *      so that a slow start of the new workers cannot outlast them);
 *   4. N+1 is made current; runs submitted now start on N+1;
 *   5. the waiting runs are resumed (on N: they are pinned to it), every run ends;
 *   6. N is reported drained, and its workers are stopped.
 *
 * Then every run completed exactly once, and its histories prove that no execution ran on two
 * versions: each workflow task completed by a worker of one version, pinned, each activity run by
 * a worker of that version. A run that continued as new may move on to N+1 at that boundary
 * (workflows/versioning.ts; a 1.30 server does, 1.29 keeps the continued run on N), never back.
 */
import type { Client } from '@temporalio/client';
import { decodeVersioningBehavior } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { ApiClient, type RunStatus } from '../../src/cli/api-client';
import type { WorkerDeploymentVersion } from '../../src/config/config';
import { describeDrainage, setCurrentVersion, versionName, waitUntilDrained } from '../../src/deployments/deployment-versions';
import { isTerminalWesState } from '../../domain/wes-state';
import { expectSameTransitions, submissions } from '../chaos/support/exactly-once';
import { reportRecovery } from '../chaos/support/recovery-report';
import { eventually } from './eventually';

/** The workers of one version, started by the caller's means (processes, a cluster's hosts). */
export interface VersionWorkers {
  /** Their identities as histories name them (`<pid>@<host id>`, src/worker/create-worker.ts). */
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
  /** N and N+1; by default a fresh deployment name with build ids `n` and `n-plus-1`. */
  versions?: [WorkerDeploymentVersion, WorkerDeploymentVersion];
  /** Runs of each kind (gated, paused, long, continuing, started after the switch); 4 each by default. */
  runsOfEachKind?: number;
  /** How long the long runs go; long enough to outlast the start of the new workers. */
  longRunMs?: number;
  /** For every wait; 8 minutes by default, past the 3 + 3 minutes of the server's default drainage intervals. */
  timeoutMs?: number;
  /** Of the figures in `.cache/chaos/<name>.json`; `rolling-upgrade` by default. */
  reportName?: string;
}

export interface RollingUpgradeReport {
  from: WorkerDeploymentVersion;
  to: WorkerDeploymentVersion;
  /** Run ids by the version they started on. */
  runsOn: Map<string, string[]>;
  longRunsRunningAtSwitch: number;
  /** Executions of the continuing runs, and how many of them ran on N+1. */
  continuingExecutions: number;
  continuedOntoNewVersion: number;
  switchMs: number;
  switchToOldRunsEndedMs: number;
  oldRunsEndedToDrainedMs: number;
  switchToDrainedMs: number;
}

type Kind = 'gated' | 'paused' | 'long' | 'continuing' | 'after';

/** Preempted and back every 30 simulated seconds, at 1,000 simulated ms per real one: news every 30 ms. */
const BUSY = { preempt_every_ms: 30_000, time_scale: 1_000 };

const paramsOf = (kind: Kind, longRunMs: number) =>
  ({
    gated: {},
    paused: { pause_at_ms: 100, duration_ms: 1_000 },
    long: { duration_ms: longRunMs },
    // Longer: at this pace a run continues as new every 10 to 20 s on 2 cores.
    continuing: { ...BUSY, duration_ms: 2 * longRunMs * BUSY.time_scale },
    after: { duration_ms: 1_000 },
  })[kind];

const bodyOf = (kind: Kind, tag: string, longRunMs: number) => ({
  workflow_type: 'SIMULATED',
  workflow_type_version: '1',
  workflow_url: 'simulated:',
  workflow_params: paramsOf(kind, longRunMs),
  tags: { upgrade: tag, kind, wes_provider: 'simulated', ...(kind === 'gated' ? { wes_require_approval: 'true' } : {}) },
});

export async function runRollingUpgrade(options: RollingUpgradeOptions): Promise<RollingUpgradeReport> {
  const { client } = options;
  const api = new ApiClient({ url: options.apiUrl, token: options.token });
  const deploymentName = `durable-wes-${randomUUID().slice(0, 8)}`;
  const [from, to] = options.versions ?? [
    { deploymentName, buildId: 'n' },
    { deploymentName, buildId: 'n-plus-1' },
  ];
  const count = options.runsOfEachKind ?? 4;
  const longRunMs = options.longRunMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 8 * 60_000;
  const tag = randomUUID();
  const submit = (kind: Kind) =>
    Promise.all(
      Array.from({ length: count }, async () => (await api.json<{ run_id: string }>('POST', '/runs', bodyOf(kind, tag, longRunMs))).run_id),
    );
  const states = (runIds: string[]) =>
    Promise.all(runIds.map(async (id) => (await api.json<RunStatus>('GET', `/runs/${id}/status`)).state as string));
  const until = (runIds: string[], done: (state: string) => boolean, what: string) =>
    eventually(
      () => states(runIds),
      (all) => all.every(done),
      { timeoutMs, intervalMs: 250, what: `${runIds.length} runs ${what}` },
    );

  const oldWorkers = await options.startWorkers(from);
  await setCurrentVersion(client, from);
  expect(await describeDrainage(client, from)).toMatchObject({ status: 'none' });
  const [gated, paused] = [await submit('gated'), await submit('paused')];
  await until([...gated, ...paused], (state) => state === 'PAUSED', 'awaiting input');

  const newWorkers = await options.startWorkers(to);
  const [long, continuing] = [await submit('long'), await submit('continuing')];
  // The busy runs are PREEMPTED half of each period: at their provider too, and all RUNNING at one look only by chance.
  await until([...long, ...continuing], (state) => state === 'RUNNING' || state === 'PREEMPTED', 'running at their provider');
  const switchedAt = Date.now();
  await setCurrentVersion(client, to);
  const switchMs = Date.now() - switchedAt;
  // No longer current, with runs open: the server says so from the switch on.
  expect(await describeDrainage(client, from)).toMatchObject({ status: 'draining' });
  const longRunsRunningAtSwitch = (await states(long)).filter((state) => state === 'RUNNING').length;
  const after = await submit('after');
  for (const runId of [...gated, ...paused]) await api.json('POST', `/runs/${runId}/resume`, {});

  const old = [...gated, ...paused, ...long, ...continuing];
  await until(old, isTerminalWesState, 'started on version N ended');
  const oldRunsEndedAt = Date.now();
  await waitUntilDrained(client, from, timeoutMs);
  const drainedAt = Date.now();
  await oldWorkers.stop();
  await until(after, isTerminalWesState, 'of version N+1 ended');
  await newWorkers.stop();

  const order = [versionName(from), versionName(to)];
  const workersOf = new Map([
    [order[0], oldWorkers.identities],
    [order[1], newWorkers.identities],
  ]);
  const chains = new Map<string, string[]>();
  for (const runId of old) chains.set(runId, await expectRanOnce(client, api, runId, options.dataDir, workersOf));
  for (const runId of after) chains.set(runId, await expectRanOnce(client, api, runId, options.dataDir, workersOf));
  for (const [runId, chain] of chains) {
    const startedOn = after.includes(runId) ? order[1] : order[0];
    // Only a continuing run has executions after its first, and it never moves back to N.
    const forwards = [...chain].sort((a, b) => order.indexOf(a) - order.indexOf(b));
    expect({ runId, chain }).toEqual({ runId, chain: continuing.includes(runId) ? forwards : [startedOn] });
    expect({ runId, startedOn: chain[0] }).toEqual({ runId, startedOn });
  }

  const continuedChains = continuing.map((runId) => chains.get(runId)!);
  const figures = {
    longRunsRunningAtSwitch,
    continuingExecutions: continuedChains.flat().length,
    continuedOntoNewVersion: continuedChains.flat().filter((version) => version === order[1]).length,
    switchMs,
    switchToOldRunsEndedMs: oldRunsEndedAt - switchedAt,
    oldRunsEndedToDrainedMs: drainedAt - oldRunsEndedAt,
    switchToDrainedMs: drainedAt - switchedAt,
  };
  reportRecovery(options.reportName ?? 'rolling-upgrade', { runsOfVersionN: old.length, runsOfVersionN1: after.length, ...figures });
  return {
    from,
    to,
    runsOn: new Map([
      [order[0], old],
      [order[1], after],
    ]),
    ...figures,
  };
}

/**
 * COMPLETE in the read model with the workflow's own transitions, submitted once; in Temporal,
 * each execution's workflow tasks completed by workers of one version, pinned, and its activities
 * run by workers of that version (`workersOf`: identities by version). Returns the version of
 * each execution, oldest first.
 */
async function expectRanOnce(
  client: Client,
  api: ApiClient,
  runId: string,
  dataDir: string,
  workersOf: Map<string, string[]>,
): Promise<string[]> {
  expect({ runId, state: (await api.json<RunStatus>('GET', `/runs/${runId}/status`)).state }).toEqual({ runId, state: 'COMPLETE' });
  const { transitions } = await api.json<{ transitions: Array<{ seq: number; type: string; from: string; to: string }> }>(
    'GET',
    `/runs/${runId}/transitions`,
  );
  const count = (type: string) => transitions.filter((t) => t.type === type).length;
  expect({
    runId,
    state: await expectSameTransitions(client, runId, transitions),
    init: count('init'),
    finish: count('finish'),
    submissions: submissions(dataDir, runId),
  }).toEqual({
    runId,
    state: 'succeeded',
    init: 1,
    finish: 1,
    submissions: 1,
  });
  const executions: string[] = [];
  for await (const execution of client.workflow.list({ query: `WorkflowId = '${runId}'` })) executions.unshift(execution.runId);
  const chain: string[] = [];
  for (const execution of executions) {
    const events = (await client.workflow.getHandle(runId, execution).fetchHistory()).events ?? [];
    const tasks = events.flatMap((event) =>
      event.workflowTaskCompletedEventAttributes ? [event.workflowTaskCompletedEventAttributes] : [],
    );
    const ranOn = [
      ...new Set(
        tasks.map(
          (task) =>
            `${task.deploymentVersion?.deploymentName ?? ''}:${task.deploymentVersion?.buildId ?? ''} ${decodeVersioningBehavior(task.versioningBehavior) ?? 'UNSPECIFIED'}`,
        ),
      ),
    ];
    expect({ runId, execution, ranOn }).toEqual({ runId, execution, ranOn: [expect.stringMatching(/ PINNED$/)] });
    const version = ranOn[0].replace(/ PINNED$/, '');
    const activityWorkers = new Set(
      events.flatMap((event) =>
        event.activityTaskStartedEventAttributes ? [event.activityTaskStartedEventAttributes.identity ?? ''] : [],
      ),
    );
    expect({ runId, execution, foreign: [...activityWorkers].filter((identity) => !workersOf.get(version)?.includes(identity)) }).toEqual({
      runId,
      execution,
      foreign: [],
    });
    chain.push(version);
  }
  return chain;
}

/**
 * Chaos 1: the worker process is killed with SIGKILL while runs are in flight (simulated ones by
 * the dozen or hundred, and real cwltool runs), then restarted. Every run completes exactly once:
 * one submission to its provider, one launch of its engine, its transitions in the read model once
 * each. Recovery: from the kill to the first progress after the restart, and to all runs terminal.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createHarness, EXAMPLES, type Harness } from '../support/harness';
import { eventually } from '../support/eventually';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';
import { expectCompletedOnce, localLaunches, progress, simulatedSubmissions, taggedRuns, terminalCount } from './support/exactly-once';
import { CHAOS_PROVIDERS, CHAOS_PROVIDERS_ENV } from './support/providers';
import { RECOVERY_TARGET_MS, reportRecovery } from './support/recovery-report';
import { scaled } from './support/scale';

const SIMULATED_RUNS = scaled(20, 100);
const LOCAL_RUNS = scaled(2, 4);
/** Long enough that no run ends before the kill, short enough to end soon after the restart. */
const RUN_SECONDS = scaled(10, 12);

let h: Harness;
let workerEnv: Record<string, string>;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'durable-wes-chaos-worker-'));
  // No in-process worker: the worker under test is a process of its own.
  h = await createHarness({ startWorker: false, dataDir, providers: CHAOS_PROVIDERS });
  workerEnv = {
    ...CHAOS_PROVIDERS_ENV,
    WES_TASK_QUEUE: h.taskQueue,
    WES_DATA_DIR: dataDir,
    // The restarted worker is the same host: it follows the local runs the first one launched.
    WES_HOST_ID: 'chaos-host',
    WES_WORKER_METRICS_PORT: 'off',
    WORKFLOW_BUNDLE_PATH: process.env.WORKFLOW_BUNDLE_PATH!,
  };
});

afterAll(async () => {
  for (const worker of workers) if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
  await h.stop();
});

test(
  `${SIMULATED_RUNS} simulated and ${LOCAL_RUNS} cwltool runs survive SIGKILL of their worker, each completed exactly once`,
  async () => {
    const tag = { chaos: `worker-kill-${randomUUID()}` };
    const runsOf = () => taggedRuns(h.runStore, tag);
    workers.push(await startWorkerProcess(workerEnv));

    // The engines first, so that they are well under way when the worker dies.
    const local = await Promise.all(
      Array.from({ length: LOCAL_RUNS }, () =>
        h.start({
          workflow_type: 'CWL',
          workflow_type_version: 'v1.2',
          workflow_url: path.join(EXAMPLES, 'sleep', 'sleep.cwl'),
          workflow_params: { seconds: RUN_SECONDS },
          tags: { ...tag, wes_provider: 'local' },
        }),
      ),
    );
    // Every fourth one still preparing when the worker dies: its start is redone by the next worker.
    const simulated = await Promise.all(
      Array.from({ length: SIMULATED_RUNS }, (_, i) =>
        h.start({
          workflow_params: { duration_ms: RUN_SECONDS * 1000, prepare_ms: i % 4 === 0 ? (RUN_SECONDS * 1000) / 2 : 0 },
          tags: { ...tag, wes_provider: 'simulated' },
        }),
      ),
    );
    const runIds = [...local, ...simulated].map((handle) => handle.workflowId);
    const localIds = new Set(local.map((handle) => handle.workflowId));

    // In flight: every engine launched, half the simulated runs submitted, the rest on their way.
    const atKill = await eventually(
      runsOf,
      (rows) => {
        const running = rows.filter((row) => row.wesState === 'RUNNING');
        return running.filter((row) => localIds.has(row.runId)).length === LOCAL_RUNS && running.length >= LOCAL_RUNS + SIMULATED_RUNS / 2;
      },
      { timeoutMs: 60_000, intervalMs: 100, what: 'the engines launched and half the simulated runs submitted' },
    );
    const killedAt = Date.now();
    workers[0].child.kill('SIGKILL');
    expect(await workers[0].exited).toBe('SIGKILL');
    // What the dead worker projected; anything more is the new worker's doing.
    const before = progress(await runsOf());

    workers.push(await startWorkerProcess(workerEnv));
    const restartedMs = Date.now() - killedAt;
    await eventually(runsOf, (rows) => progress(rows) > before, {
      timeoutMs: RECOVERY_TARGET_MS,
      intervalMs: 100,
      what: 'progress after the restart',
    });
    const firstProgressMs = Date.now() - killedAt;
    const final = await eventually(runsOf, (rows) => rows.length === runIds.length && terminalCount(rows) === runIds.length, {
      timeoutMs: RECOVERY_TARGET_MS - (Date.now() - killedAt),
      intervalMs: 200,
      what: `all ${runIds.length} runs terminal within ${RECOVERY_TARGET_MS / 1000} s of the kill`,
    });
    const allTerminalMs = Date.now() - killedAt;

    expect(final.map((row) => row.runId).sort()).toEqual([...runIds].sort());
    expect(
      final.filter((row) => row.wesState !== 'COMPLETE').map((row) => `${row.runId}: ${row.wesState} ${row.errorMessage ?? ''}`),
    ).toEqual([]);
    for (const runId of runIds) {
      await expectCompletedOnce(h.client, h.runStore, runId);
      const submitted = localIds.has(runId)
        ? { launches: localLaunches(h.dataDir, runId) }
        : { launches: simulatedSubmissions(h.dataDir, runId) };
      expect({ runId, ...submitted }).toEqual({ runId, launches: 1 });
    }

    reportRecovery('worker-kill', {
      simulatedRuns: SIMULATED_RUNS,
      localRuns: LOCAL_RUNS,
      runningAtKill: atKill.filter((row) => row.wesState === 'RUNNING').length,
      notYetRunningAtKill: runIds.length - atKill.filter((row) => row.wesState === 'RUNNING').length,
      killToWorkerPollingMs: restartedMs,
      killToFirstProgressMs: firstProgressMs,
      killToAllTerminalMs: allTerminalMs,
    });
  },
  scaled(240_000, 480_000),
);

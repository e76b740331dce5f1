/**
 * Chaos 2: the API process is killed with SIGKILL during a burst of submissions by concurrent
 * clients, each with its own Idempotency-Key, and restarted on the same port. Every client retries
 * what was not acknowledged with the same key. Every key ends up with one run, which finishes; a
 * retry gets the same run id; no run exists twice, in Temporal or in the read model. Recovery: from
 * the kill to the API ready again, and to all runs terminal.
 */
import { randomUUID } from 'node:crypto';
import { createHarness, type Harness } from '../support/harness';
import { eventually } from '../support/eventually';
import { freePort } from '../support/free-port';
import { startApiProcess, type ApiProcess } from './support/api-process';
import { expectCompletedOnce, simulatedSubmissions, taggedRuns, terminalCount } from './support/exactly-once';
import { postRun, submitBurst } from './support/idempotent-burst';
import { CHAOS_PROVIDERS, CHAOS_PROVIDERS_ENV } from './support/providers';
import { RECOVERY_TARGET_MS, reportRecovery } from './support/recovery-report';
import { scaled } from './support/scale';

const SUBMISSIONS = scaled(40, 200);
const CLIENTS = scaled(8, 20);

let h: Harness;
let apiEnv: Record<string, string>;
let port: number;
const apis: ApiProcess[] = [];

beforeAll(async () => {
  // The worker runs in the test's process; the API under test is a process of its own.
  h = await createHarness({ providers: CHAOS_PROVIDERS });
  port = await freePort();
  apiEnv = { ...CHAOS_PROVIDERS_ENV, WES_TASK_QUEUE: h.taskQueue, WES_DATA_DIR: h.dataDir };
});

afterAll(async () => {
  for (const api of apis) if (api.child.exitCode === null && api.child.signalCode === null) api.child.kill('SIGKILL');
  await h.stop();
});

test(
  `${SUBMISSIONS} idempotent submissions survive SIGKILL of the API: none lost, none twice`,
  async () => {
    const burst = randomUUID();
    const tag = { chaos: `api-kill-${burst}` };
    const keys = Array.from({ length: SUBMISSIONS }, (_, i) => `chaos-${burst}-${i}`);
    const body = (key: string) => ({
      workflow_type: 'SIMULATED',
      workflow_type_version: '1',
      workflow_url: 'simulated:',
      workflow_params: { duration_ms: 2_000 },
      tags: { ...tag, key },
    });
    apis.push(await startApiProcess(port, apiEnv));

    let killedAt = 0;
    let ackedBeforeKill = 0;
    let restarted: Promise<number> | undefined;
    // In the middle of the burst: half acknowledged, the clients' next requests in flight.
    const killAndRestart = async (): Promise<number> => {
      killedAt = Date.now();
      apis[0].child.kill('SIGKILL');
      expect(await apis[0].exited).toBe('SIGKILL');
      apis.push(await startApiProcess(port, apiEnv));
      return Date.now() - killedAt;
    };
    const submissions = await submitBurst({
      url: apis[0].url,
      keys,
      clients: CLIENTS,
      body,
      onAck: (acknowledged) => {
        if (restarted || acknowledged < SUBMISSIONS / 2) return;
        ackedBeforeKill = acknowledged;
        restarted = killAndRestart();
        // Awaited after the burst; until then, a failed restart must not count as unhandled.
        restarted.catch(() => undefined);
      },
      deadlineMs: 120_000,
    });
    const readyAgainMs = await restarted!;
    // The kill fell in the middle: some submissions went unacknowledged and were sent again.
    const retriedKeys = submissions.filter((s) => s.attempts > 1).length;
    expect(retriedKeys).toBeGreaterThan(0);

    // One run per key, and each key's retry names the run it was acknowledged with.
    expect(submissions.map((s) => s.key).sort()).toEqual([...keys].sort());
    const runIds = submissions.map((s) => s.runId);
    expect(new Set(runIds).size).toBe(SUBMISSIONS);
    for (const { key, runId } of submissions) expect({ key, runId: await postRun(apis[1].url, key, body(key)) }).toEqual({ key, runId });

    const runsOf = () => taggedRuns(h.runStore, tag);
    const final = await eventually(runsOf, (rows) => rows.length >= SUBMISSIONS && terminalCount(rows) === rows.length, {
      timeoutMs: RECOVERY_TARGET_MS - (Date.now() - killedAt),
      intervalMs: 200,
      what: `all ${SUBMISSIONS} runs terminal within ${RECOVERY_TARGET_MS / 1000} s of the kill`,
    });
    const allTerminalMs = Date.now() - killedAt;

    // No run twice: the read model and Temporal hold exactly the acknowledged runs, each under its key.
    const byRun = new Map(submissions.map((s) => [s.runId, s.key]));
    expect(final.map((row) => [row.runId, row.request.tags?.key]).sort()).toEqual([...byRun.entries()].sort());
    expect(final.filter((row) => row.wesState !== 'COMPLETE').map((row) => `${row.runId}: ${row.wesState}`)).toEqual([]);
    const workflows = await eventually(
      async () => {
        const ids: string[] = [];
        for await (const workflow of h.client.workflow.list({ query: `TaskQueue = "${h.taskQueue}"` })) ids.push(workflow.workflowId);
        return ids;
      },
      (ids) => ids.length >= SUBMISSIONS,
      { what: "Temporal's visibility to list the runs' workflows" },
    );
    expect(workflows.sort()).toEqual([...runIds].sort());
    for (const runId of runIds) {
      await expectCompletedOnce(h.client, h.runStore, runId);
      expect({ runId, submissions: simulatedSubmissions(h.dataDir, runId) }).toEqual({ runId, submissions: 1 });
    }

    reportRecovery('api-kill', {
      submissions: SUBMISSIONS,
      clients: CLIENTS,
      acknowledgedBeforeKill: ackedBeforeKill,
      retriedKeys,
      attempts: submissions.reduce((sum, s) => sum + s.attempts, 0),
      killToApiReadyMs: readyAgainMs,
      killToAllTerminalMs: allTerminalMs,
    });
  },
  scaled(240_000, 480_000),
);

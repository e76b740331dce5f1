/**
 * Chaos: SIGKILL of the Temporal server in the middle of runs. A dev server of the test's own (the
 * CLI binary, a SQLite file, a fixed port) under an API and a worker; simulated runs and a real
 * cwltool run in flight; the server is killed with SIGKILL, stays down a while, and is started again
 * on the same port and file. Every run completes, exactly once: its backend started it once, and
 * Temporal and the read model agree on its transitions. Reports restart → first progress → all
 * terminal (.cache/chaos/temporal-kill.json).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { API, createApiHarness, waitForState, type ApiHarness } from '../support/api-harness';
import { EXAMPLES } from '../support/harness';
import { cwlRun, postRun, simulatedRun, submitRun } from '../support/submit-run';
import { RECOVERY_BOUND_MS, reportServerRecovery, scaled, until } from './support/chaos-servers';
import { startDedicatedTemporal, type DedicatedTemporal } from './support/dedicated-temporal';
import { expectRecordedOnce, submissions } from './support/exactly-once';
import { endedRuns, submitted, untilAllEnded } from './support/runs-ending';

const SIMULATED_RUNS = scaled(6, 40);
const CWL_RUNS = scaled(1, 3);
/** How long the server stays dead. */
const DOWN_MS = scaled(5_000, 60_000);

let dataDir: string;
let temporal: DedicatedTemporal | undefined;
let api: ApiHarness | undefined;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'durable-wes-chaos-temporal-'));
  temporal = await startDedicatedTemporal(dataDir);
  // Jest gives each test file its own process.env: the harness's API and worker use this server.
  process.env.TEMPORAL_ADDRESS = temporal.address;
  api = await createApiHarness();
}, 120_000);

afterAll(async () => {
  await api?.stop();
  await temporal?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test(
  'every run in flight completes exactly once after the Temporal server is killed and restarted',
  async () => {
    const { http, harness } = api!;
    // Staggered: most end at their backend while Temporal is down, the last few seconds after it
    // is back, so that the time to end them all is the recovery's, not the runs' own.
    const simulated = (i: number) => simulatedRun({ duration_ms: 5_000 + (i * (DOWN_MS + 5_000)) / SIMULATED_RUNS });
    const cwl = cwlRun(
      path.join(EXAMPLES, 'sleep', 'sleep.cwl'),
      { seconds: Math.round(DOWN_MS / 1000) + 3 },
      { tags: { wes_provider: 'local' } },
    );
    const requests = [...Array.from({ length: SIMULATED_RUNS }, (_, i) => simulated(i)), ...Array.from({ length: CWL_RUNS }, () => cwl)];
    const runIds: string[] = [];
    for (const body of requests) runIds.push(await submitRun(http, body));
    for (const runId of runIds) await waitForState(http, runId, submitted);

    const killedAt = Date.now();
    expect(await temporal!.kill()).toEqual({ code: null, signal: 'SIGKILL' });

    // Meanwhile: reads come from the read model; a start is a 503, and its retry later starts one run.
    await http.get(`${API}/runs/${runIds[0]}/status`).expect(200);
    await http.get(`${API}/runs`).expect(200);
    const retried = { idempotencyKey: 'chaos-temporal-kill' };
    const refused = await postRun(http, simulatedRun(), retried).expect(503);
    expect(refused.body).toEqual({ msg: expect.stringMatching(/^Temporal is unavailable/), status_code: 503 });
    await until(killedAt + DOWN_MS);

    // Ended in the read model before the restart: projected by workflow tasks the worker had in hand.
    const endedBefore = await endedRuns(http, runIds);
    const restartedAt = Date.now();
    await temporal!.restart();
    const healthyAt = Date.now();

    const { firstEndedAt, allEndedAt } = await untilAllEnded(http, runIds, RECOVERY_BOUND_MS, endedBefore);

    for (const runId of runIds) {
      expect(await waitForState(http, runId)).toBe('COMPLETE');
      expect({ runId, submissions: submissions(harness.dataDir, runId) }).toEqual({ runId, submissions: 1 });
      await expectRecordedOnce(api!, runId);
    }
    const first = await submitRun(http, simulatedRun(), retried);
    const again = await submitRun(http, simulatedRun(), retried);
    expect(again).toBe(first);
    expect(await waitForState(http, first)).toBe('COMPLETE');

    reportServerRecovery('temporal-kill', allEndedAt - restartedAt, {
      runs: runIds.length,
      down_ms: restartedAt - killedAt,
      restart_to_healthy_ms: healthyAt - restartedAt,
      ended_before_restart: endedBefore.size,
      restart_to_first_progress_ms: firstEndedAt === undefined ? 'none' : firstEndedAt - restartedAt,
      restart_to_all_terminal_ms: allEndedAt - restartedAt,
    });
  },
  scaled(240_000, 900_000),
);

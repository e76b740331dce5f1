/**
 * What operators see of the production worker (src/worker.ts, a process of its own): its /metrics,
 * with the counts of its activities and the Temporal SDK's metrics, and its JSON log lines, those
 * about a run carrying its run id and no task token.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHarness, EXAMPLES, finalSnapshot, type Harness } from './support/harness';
import { eventually } from './support/eventually';
import { freePort } from './support/free-port';
import { sampleSum } from './support/prometheus';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process';

let h: Harness;
let worker: WorkerProcess | undefined;
let metricsUrl: string;

beforeAll(async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'durable-wes-observed-'));
  // No in-process worker: the worker under test is the production one.
  h = await createHarness({ startWorker: false, dataDir });
  const port = await freePort();
  metricsUrl = `http://127.0.0.1:${port}/metrics`;
  worker = await startWorkerProcess({
    TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS!,
    WES_TASK_QUEUE: h.taskQueue,
    WES_DATA_DIR: dataDir,
    WES_WORKFLOW_ROOTS: EXAMPLES,
    WES_WORKER_METRICS_PORT: String(port),
    WORKFLOW_BUNDLE_PATH: process.env.WORKFLOW_BUNDLE_PATH!,
  });
});
afterAll(async () => {
  worker?.child.kill('SIGTERM');
  await worker?.exited;
  await h.stop();
});

async function scrape(): Promise<string> {
  const response = await fetch(metricsUrl);
  expect(response.status).toBe(200);
  return response.text();
}

test('after a CWL run: its transitions, provider calls and activities are counted, beside the SDK metrics', async () => {
  const before = await scrape();
  const handle = await h.start(
    {
      workflow_type: 'CWL',
      workflow_type_version: 'v1.2',
      workflow_url: path.join(EXAMPLES, 'hello-world', 'hello.cwl'),
      workflow_params: { message: 'observed' },
    },
    { provider: 'local' },
  );
  expect((await finalSnapshot(handle)).state).toBe('succeeded');
  const after = await scrape();
  const increase = (name: string, labels: Record<string, string>) =>
    (sampleSum(after, name, labels) ?? 0) - (sampleSum(before, name, labels) ?? 0);

  expect(increase('wes_run_transitions_total', { from: 'queued', to: 'starting' })).toBe(1);
  expect(increase('wes_run_transitions_total', { to: 'succeeded' })).toBe(1);
  expect(increase('wes_provider_call_duration_seconds_count', { provider_kind: 'local', operation: 'submit', outcome: 'ok' })).toBe(1);
  expect(increase('wes_provider_call_duration_seconds_count', { provider_kind: 'local', operation: 'results', outcome: 'ok' })).toBe(1);
  expect(sampleSum(after, 'wes_provider_call_duration_seconds_sum', { provider_kind: 'local', operation: 'status' })).toBeGreaterThan(0);
  expect(increase('wes_activities_total', { activity: 'startRun', outcome: 'completed' })).toBe(1);
  expect(increase('wes_activities_total', { activity: 'projectRun', outcome: 'completed' })).toBeGreaterThanOrEqual(1);
  // The SDK's core metrics, passed on from its own endpoint, and the process's.
  expect(after).toMatch(/^temporal_[a-z_]+\{/m);
  expect(sampleSum(after, 'temporal_worker_task_slots_available', { task_queue: h.taskQueue })).toBeGreaterThan(0);
  expect(sampleSum(after, 'temporal_workflow_completed', { task_queue: h.taskQueue })).toBeGreaterThanOrEqual(1);
  expect(sampleSum(after, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
});

test("the log is JSON lines, and the lines of a run's activities carry its run id", async () => {
  const handle = await h.start(
    {
      workflow_type: 'CWL',
      workflow_type_version: 'v1.2',
      workflow_url: path.join(EXAMPLES, 'hello-world', 'hello.cwl'),
      workflow_params: { message: 'logged' },
    },
    { provider: 'local' },
  );
  await finalSnapshot(handle);
  const logged = () =>
    worker!
      .stdout()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  // The runtime holds log lines back briefly to order them: the run's last line may follow its end.
  const exited = (lines: Array<Record<string, unknown>>) =>
    lines.some((line) => line.run_id === handle.workflowId && line.msg === 'local engine exited with 0');
  const lines = await eventually(logged, exited, { what: "the engine's exit in the log" });
  expect(lines.find((line) => String(line.msg).startsWith('polling task queue'))).toMatchObject({ name: 'worker', level: 30 });
  const ofRun = lines.filter((line) => line.run_id === handle.workflowId);
  expect(ofRun.find((line) => line.msg === 'local engine cwltool launched')).toMatchObject({
    activityType: 'startRun',
    pid: expect.any(Number),
  });
  // Every line an activity logged names its run.
  const activityLines = lines.filter((line) => line.sdkComponent === 'activity');
  expect(activityLines.length).toBeGreaterThan(0);
  expect(activityLines.filter((line) => typeof line.run_id !== 'string')).toEqual([]);
  // An activity's task token lets its holder complete or fail it: no line carries one, though the
  // SDK's attributes of those lines have it.
  expect(activityLines.filter((line) => line.activityType === 'startRun').length).toBeGreaterThan(0);
  expect(worker!.stdout()).not.toContain('taskToken');
  // Said of each provider's worker (activities only, by design) and of every worker (no Nexus): no one can act on it.
  expect(worker!.stdout()).not.toContain('No workflows registered');
  expect(worker!.stdout()).not.toContain('No Nexus services registered');
});

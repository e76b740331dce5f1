/**
 * Durability of the worker: a worker killed with SIGKILL in the middle of a real cwltool run is
 * replaced by a new process, which re-attaches to the run instead of submitting it again.
 * And a worker asked to stop with SIGTERM stops within its grace time.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EXAMPLES, finalSnapshot, type Harness, waitForSnapshot } from './support/harness';
import { eventually } from './support/eventually';
import { launchCount, separateWorkerHarness, startWorkerProcess } from './support/worker-process';

let h: Harness;
let workerEnv: Record<string, string>;

beforeAll(async () => {
  // No in-process worker: the worker under test is a separate process.
  ({ harness: h, workerEnv } = await separateWorkerHarness('crash'));
});
afterAll(async () => {
  await h.stop();
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z');
  } catch {
    return false;
  }
}

test('a run survives SIGKILL of its worker and is submitted exactly once', async () => {
  const first = await startWorkerProcess(workerEnv);
  const handle = await h.start({
    workflow_type: 'CWL',
    workflow_type_version: 'v1.2',
    workflow_url: path.join(EXAMPLES, 'sleep', 'sleep.cwl'),
    workflow_params: { seconds: 6 },
  });
  const runDir = path.join(h.dataDir, 'runs', handle.workflowId);
  const submitted = await waitForSnapshot(handle, (s) => s.externalId !== undefined);
  expect(submitted.state).toBe('running');
  // The engine's shell writes its pid itself, a moment after it was spawned.
  const pid = await eventually(() => Number(readFileSync(path.join(runDir, 'process', 'pid'), 'utf8')), Boolean, {
    what: "the engine's pid file",
  });
  expect(alive(pid)).toBe(true);

  first.child.kill('SIGKILL');
  expect(await first.exited).toBe('SIGKILL');
  // The engine is detached from the worker: it goes on without it.
  expect(alive(pid)).toBe(true);

  const second = await startWorkerProcess(workerEnv);
  try {
    const result = await finalSnapshot(handle);
    expect(result.state).toBe('succeeded');
    expect(result.externalId).toBe(submitted.externalId);
    expect(launchCount(runDir)).toBe(1);
    const slept = result.outputs.slept as { location: string };
    expect(existsSync(new URL(slept.location))).toBe(true);
  } finally {
    second.child.kill('SIGTERM');
    await second.exited;
  }
});

test('SIGTERM stops the worker gracefully within its grace time', async () => {
  const worker = await startWorkerProcess({ ...workerEnv, WES_TASK_QUEUE: `sigterm-${randomUUID()}` });
  const started = Date.now();
  worker.child.kill('SIGTERM');
  expect(await worker.exited).toBe(0);
  expect(Date.now() - started).toBeLessThan(15_000);
  expect(worker.output()).toContain('"msg":"stopped"');
});

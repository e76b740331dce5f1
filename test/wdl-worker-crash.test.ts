/**
 * A WDL run re-attached after a worker restart, as any local engine's (test/worker-crash.test.ts):
 * the worker is SIGKILLed while miniwdl runs a call; a new worker process attaches to the same
 * miniwdl instead of launching it again, and the run completes with its outputs and calls.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EXAMPLES, finalSnapshot, type Harness, waitForSnapshot } from './support/harness';
import { eventually } from './support/eventually';
import { launchCount, separateWorkerHarness, startWorkerProcess } from './support/worker-process';
import { miniwdlJobs } from '../activities/providers/local/engines/miniwdl-jobs';

let h: Harness;
let workerEnv: Record<string, string>;

beforeAll(async () => {
  // No in-process worker: the worker under test is a separate process.
  ({ harness: h, workerEnv } = await separateWorkerHarness('wdl-crash'));
});
afterAll(async () => {
  await h.stop();
});

test('a WDL run survives SIGKILL of its worker mid-call and is submitted exactly once', async () => {
  const first = await startWorkerProcess(workerEnv);
  const handle = await h.start({
    workflow_type: 'WDL',
    workflow_type_version: '1.0',
    workflow_url: path.join(EXAMPLES, 'wdl-sleep', 'sleep.wdl'),
    workflow_params: { 'sleeper.seconds': 6 },
  });
  const runDir = path.join(h.dataDir, 'runs', handle.workflowId);
  const submitted = await waitForSnapshot(handle, (s) => s.externalId !== undefined);
  // Killed while miniwdl runs the call, not before it started it.
  const log = path.join(runDir, 'outputs', 'workflow.log.json');
  await eventually(
    () => miniwdlJobs(readFileSync(log, 'utf8'), path.dirname(log)),
    (jobs) => jobs.length === 1,
    { what: 'the call to start', timeoutMs: 60_000 },
  );
  first.child.kill('SIGKILL');
  expect(await first.exited).toBe('SIGKILL');

  const second = await startWorkerProcess(workerEnv);
  try {
    const result = await finalSnapshot(handle);
    expect(result.state).toBe('succeeded');
    expect(result.externalId).toBe(submitted.externalId);
    expect(launchCount(runDir)).toBe(1);
    const slept = result.outputs['sleeper.slept'] as { location: string };
    expect(readFileSync(new URL(slept.location), 'utf8')).toBe('slept 6 s\n');
    expect(miniwdlJobs(readFileSync(log, 'utf8'), path.dirname(log)).map((job) => job.state)).toEqual(['COMPLETE']);
  } finally {
    second.child.kill('SIGTERM');
    await second.exited;
  }
});

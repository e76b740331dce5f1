/** The production worker (src/worker.ts) as a separate process, to be killed and restarted. */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHarness, EXAMPLES, type Harness } from './harness';
import { startSourceProcess, type SourceProcess } from './source-process';

export type WorkerProcess = SourceProcess;

export function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  return startSourceProcess('src/worker.ts', env, (output) => output.includes('polling task queue'), 'the worker to poll');
}

/**
 * A harness with no worker of its own, and the environment of the worker processes under test: its
 * task queue and a fresh data dir, local runs of the examples by default.
 */
export async function separateWorkerHarness(name: string): Promise<{ harness: Harness; workerEnv: Record<string, string> }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `durable-wes-${name}-`));
  const harness = await createHarness({ startWorker: false, dataDir });
  const workerEnv = {
    TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS!,
    WES_TASK_QUEUE: harness.taskQueue,
    WES_DATA_DIR: dataDir,
    WES_WORKFLOW_ROOTS: EXAMPLES,
    WES_DEFAULT_PROVIDER: 'local',
    WORKFLOW_BUNDLE_PATH: process.env.WORKFLOW_BUNDLE_PATH!,
  };
  return { harness, workerEnv };
}

/** How many times the engine of a run was really spawned (its shell's audit trail, local/process.ts). */
export function launchCount(runDir: string): number {
  return readFileSync(path.join(runDir, 'process', 'launches.log'), 'utf8')
    .trim()
    .split('\n').length;
}

/** The production worker (src/worker.ts) as a separate process, to be killed and restarted. */
import { startSourceProcess, type SourceProcess } from './source-process';

export type WorkerProcess = SourceProcess;

export function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  return startSourceProcess('src/worker.ts', env, (output) => output.includes('polling task queue'), 'the worker to poll');
}

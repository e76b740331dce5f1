import path from 'node:path';
import { WARM_RECORD } from '../../activities/providers/local/engines/cwltool-warm';
import { readFileIfExists } from '../../activities/work-dir';

/** The engine pid of a warm-started cwltool (cwltool-warm.ts); undefined when it started cold or not yet. */
export async function warmEnginePid(workDir: string): Promise<number | undefined> {
  const warm = /^warm pid=(\d+)/.exec((await readFileIfExists(path.join(workDir, 'process', WARM_RECORD))) ?? '');
  return warm ? Number(warm[1]) : undefined;
}

/** The process group of a local run's engine and its tools: a warm cwltool's own, else the shell's `pgid`. */
export async function engineGroup(run: { workDir: string }, pgid: number): Promise<number> {
  return (await warmEnginePid(run.workDir)) ?? pgid;
}

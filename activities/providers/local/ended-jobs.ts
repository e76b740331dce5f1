/**
 * The end of a local engine's jobs that the engine itself could not report: it was stopped (a
 * cancel), or it died, while they ran (docs/design.md, "Tasks").
 */
import type { TaskReport } from '../provider';
import { isTerminalWesState } from '../../../domain/wes-state';

/**
 * The jobs as they stand once the engine has ended: one it reported no end of is CANCELED if the
 * run was cancelled, else a SYSTEM_ERROR. The engine reports nothing more, so that version is final.
 */
export function endedJobs(jobs: TaskReport[], cancelled: boolean): TaskReport[] {
  return jobs.map((job) => {
    if (isTerminalWesState(job.state)) return job;
    const systemLogs = cancelled ? job.systemLogs : [...job.systemLogs, 'the engine ended without reporting the end of this job'];
    return { ...job, state: cancelled ? 'CANCELED' : 'SYSTEM_ERROR', version: job.version + 1, systemLogs };
  });
}

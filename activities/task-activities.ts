/**
 * What the task workflow (docs/design.md, "Task runs") asks of the worker's disk: a step's run
 * names files the task came with by their relative paths, so the run gets them in its own work dir.
 */
import { cp } from 'node:fs/promises';
import path from 'node:path';
import { ATTACHMENTS_DIR, runWorkDir } from './work-dir';
import type { TaskActivities } from '../workflows/activity-interfaces';

export function createTaskActivities({ dataDir }: { dataDir: string }): TaskActivities {
  return {
    /**
     * Copies the task's attachments into a step run's staging, as the API stages a run's own.
     * Safe to repeat: files already there are kept. A task without attachments has nothing to share.
     */
    async shareTaskAttachments(taskRunId: string, runId: string): Promise<void> {
      const from = path.join(runWorkDir(dataDir, taskRunId), ATTACHMENTS_DIR);
      const to = path.join(runWorkDir(dataDir, runId), ATTACHMENTS_DIR);
      // verbatimSymlinks: a link is copied as the link it is (the API stages none).
      await cp(from, to, { recursive: true, force: false, errorOnExist: false, verbatimSymlinks: true }).catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      });
    },
  };
}

/**
 * Projects runs into the read model (docs/design.md, "The read model"). Idempotent by construction (RunStore.project
 * ignores versions it has seen), so a retried attempt never duplicates a row. A write that finds
 * the database away is also kept by the process's spool, which writes it as soon as the database
 * answers again; the attempt still fails, and the workflow retries it as before.
 */
import { ProjectionSpool } from './projection-spool';
import type { RunStore } from '../read-model/run-store';
import type { RunProjection, TaskRow } from '../domain/run-rows';
import type { ReadModelActivities } from '../workflows/activity-interfaces';

export function createReadModelActivities(store: RunStore, spool = new ProjectionSpool(store)): ReadModelActivities {
  const keptOnOutage = async (write: () => Promise<unknown>, keep: () => void): Promise<void> => {
    try {
      await write();
    } catch (err) {
      if (ProjectionSpool.isOutage(err)) keep();
      throw err;
    }
  };
  return {
    async projectRun(projection: RunProjection): Promise<void> {
      await keptOnOutage(
        () => store.project(projection),
        () => spool.keepRun(projection),
      );
    },
    /** A task run's steps and branches, as its workflow sees them (workflows/task-run/step-rows.ts). */
    async projectTasks(runId: string, rows: TaskRow[]): Promise<void> {
      await keptOnOutage(
        () => store.projectTasks(runId, rows),
        () => spool.keepTasks(runId, rows),
      );
    },
  };
}

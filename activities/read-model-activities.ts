/**
 * Projects runs into the read model (docs/design.md, "The read model"). Idempotent by construction (RunStore.project
 * ignores versions it has seen), so a retried attempt never duplicates a row.
 */
import type { RunProjection, RunStore, TaskRow } from '../src/database/run-store';

export function createReadModelActivities(store: RunStore) {
  return {
    async projectRun(projection: RunProjection): Promise<void> {
      await store.project(projection);
    },
    /** A task run's steps and branches, as its workflow sees them (workflows/task-run/step-rows.ts). */
    async projectTasks(runId: string, rows: TaskRow[]): Promise<void> {
      await store.projectTasks(runId, rows);
    },
  };
}

export type ReadModelActivities = ReturnType<typeof createReadModelActivities>;

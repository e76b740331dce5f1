/**
 * Projects runs into the read model (docs/design.md, "The read model"). Idempotent by construction (RunStore.project
 * ignores versions it has seen), so a retried attempt never duplicates a row.
 */
import type { RunProjection, RunStore, TaskRow } from '../src/database/run-store';
import type { WorkerMetrics } from '../src/metrics/worker-metrics';

export function createReadModelActivities(store: RunStore, metrics: WorkerMetrics) {
  return {
    /** Counts each transition once: a retried or repeated projection records none anew. */
    async projectRun(projection: RunProjection): Promise<void> {
      for (const { from, to } of await store.project(projection)) metrics.transitions.inc({ from, to });
    },
    /** A task run's steps and branches, as its workflow sees them (workflows/task-run/step-rows.ts). */
    async projectTasks(runId: string, rows: TaskRow[]): Promise<void> {
      await store.projectTasks(runId, rows);
    },
  };
}

export type ReadModelActivities = ReturnType<typeof createReadModelActivities>;

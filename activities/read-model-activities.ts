/**
 * Projects runs into the read model (docs/design.md, "The read model"). Idempotent by construction (RunStore.project
 * ignores versions it has seen), so a retried attempt never duplicates a row.
 */
import type { RunProjection, RunStore } from '../src/database/run-store';

export function createReadModelActivities(store: RunStore) {
  return {
    async projectRun(projection: RunProjection): Promise<void> {
      await store.project(projection);
    },
  };
}

export type ReadModelActivities = ReturnType<typeof createReadModelActivities>;

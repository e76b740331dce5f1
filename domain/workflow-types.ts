/**
 * The name of every workflow type the worker hosts: what workflows/index.ts exports, what the API
 * starts, what a task starts for its steps, and what the reconciler looks for in Temporal's
 * visibility. One list, so that a new generation cannot be missed by one of them.
 */
export const WORKFLOW_TYPES = {
  /** A WES run (workflows/wes-run.ts), since generation 6. */
  run: 'wesRunV5',
  /**
   * The same run workflow, as runs begun on generations 4 and 5 (and the step runs of tasks begun
   * before generation 6) know it: hosted until none can be in flight.
   */
  earlierRun: 'wesRunV4',
  /** A DWES-TASK run (workflows/task-run.ts). */
  task: 'wesTaskV1',
} as const;

/**
 * Runs started before the lean engine (generations 1 to 3). The worker no longer hosts this type:
 * such a run still open is finished by a worker of its own build (docs/deployment.md); the replay
 * test keeps its code (test/support/legacy-workflows/).
 */
export const LEGACY_RUN_TYPE = 'wesRun';

/**
 * Every type whose workflow records a run in the read model, the legacy one included: a legacy run
 * terminated in Temporal is still a row of the one read model to mark failed.
 */
export const RUN_RECORDING_TYPES: readonly string[] = [...Object.values(WORKFLOW_TYPES), LEGACY_RUN_TYPE];

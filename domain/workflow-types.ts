/**
 * The name of every workflow type the worker hosts: what workflows/index.ts exports, what the API
 * starts, what a task starts for its steps, and what the reconciler looks for in Temporal's
 * visibility. One list, so that a new generation cannot be missed by one of them.
 */
export const WORKFLOW_TYPES = {
  /** A WES run (workflows/wes-run.ts). */
  run: 'wesRunV4',
  /** A DWES-TASK run (workflows/task-run.ts). */
  task: 'wesTaskV1',
  /** Runs started before the lean engine, kept until they have all ended (workflows/legacy/). */
  legacyRun: 'wesRun',
} as const;

export type WorkflowTypeName = (typeof WORKFLOW_TYPES)[keyof typeof WORKFLOW_TYPES];

/** Every type whose workflow records a run in the read model. */
export const RUN_RECORDING_TYPES: readonly WorkflowTypeName[] = Object.values(WORKFLOW_TYPES);

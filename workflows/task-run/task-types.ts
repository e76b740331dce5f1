/**
 * The data of a task run (docs/tasks.md): what the task workflow is started with, and what one
 * execution of it hands to the next when it continues as new. Types only.
 */
import type { TaskRow } from '../../domain/run-rows';
import type { StepContext } from '../task/expressions';
import type { TaskDefinition } from '../../domain/task-definition';
import type { CarriedLedger, ProjectionCursor, WesRunRequest } from '../../domain/run-types';

export interface TaskInput {
  runId: string;
  /** The WES request the task came as (workflow_type DWES-TASK): what the run log returns. */
  request: WesRunRequest;
  /** Parsed and checked at submission (src/task-definitions/). */
  definition: TaskDefinition;
  /** The run's workflow_params bound to the definition's parameters, defaults filled in. */
  params: Record<string, unknown>;
  owner?: string;
  /** The API's base URL, which the static details of the task's child runs link to in the Temporal UI. */
  apiUrl?: string;
  continued?: TaskContinuation;
}

/** Taken over between top-level steps only: nothing is running then. */
export interface TaskContinuation {
  ledger: CarriedLedger;
  projection: ProjectionCursor;
  /** The index of the next top-level step. */
  next: number;
  steps: Record<string, StepContext>;
  /** The /tasks rows so far, with the versions they were projected at. */
  rows: TaskRow[];
  /** Epoch ms of the whole-task deadline, fixed when the task started. */
  deadline?: number;
}

/**
 * A task definition as the workflow runs it: the document of workflow_type DWES-TASK after
 * src/task-definitions/ has parsed and checked it (docs/tasks.md). Keys are the document's own.
 * Strings of run steps, gate prompts and task outputs may be expressions (./expressions.ts).
 */
import type { Duration } from '@temporalio/common';

export const TASK_WORKFLOW_TYPE = 'DWES-TASK';
export const TASK_FORMAT_VERSION = '1.0';

export interface TaskDefinition {
  dwes_task: typeof TASK_FORMAT_VERSION;
  name?: string;
  description?: string;
  /** Each parameter's JSON Schema (draft-07), by key. */
  parameters?: Record<string, JsonSchema>;
  timeout?: Duration;
  steps: Step[];
  outputs?: Record<string, unknown>;
}

export type JsonSchema = Record<string, unknown>;

export type Step = RunStep | WaitForInputStep | ParallelStep;

interface StepCommon {
  /** Unique among every parameter, step and branch of the task. */
  id: string;
  continue_on_failure?: boolean;
  /** The step's time limit, retries included. */
  timeout?: Duration;
}

export interface RunStep extends StepCommon {
  run: RunTemplate;
  retry?: StepRetry;
}

export interface WaitForInputStep extends StepCommon {
  wait_for_input: { prompt: string; schema: JsonSchema };
}

export interface ParallelStep extends StepCommon {
  parallel: { branches: Branch[] };
}

export interface Branch {
  id: string;
  steps: Step[];
}

/** A WES run request whose values may still be expressions. */
export interface RunTemplate {
  workflow_url: string;
  workflow_type: string;
  workflow_type_version: string;
  provider?: string;
  workflow_params?: Record<string, unknown>;
  workflow_engine?: string;
  workflow_engine_version?: string;
  workflow_engine_parameters?: Record<string, string>;
  tags?: Record<string, string>;
}

/** Temporal's retry terms, in the document's spelling. */
export interface StepRetry {
  maximum_attempts: number;
  initial_interval?: Duration;
  backoff_coefficient?: number;
  maximum_interval?: Duration;
}

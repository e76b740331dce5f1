/**
 * The rows of the read model (docs/design.md, "The read model"): what workflows project and the
 * API reads. The store that keeps them is read-model/run-store.ts.
 */
import type { ExecutionState, FailureReason } from './state-machine';
import type { RunLog, Transition, WesRunRequest } from './run-types';
import type { WesState } from './wes-state';

/** One run as the read model holds it. */
export interface RunRow {
  runId: string;
  /** Increases with every projection of the run; 0 for a run just accepted by the API. */
  version: number;
  state: ExecutionState;
  wesState: WesState;
  canceling: boolean;
  request: WesRunRequest;
  provider?: string;
  owner?: string;
  externalId?: string;
  failureReason?: FailureReason;
  errorMessage?: string;
  outputs: Record<string, unknown>;
  runLog: RunLog;
  cleaned: boolean;
  /** When the API accepted the run (or, if the API never wrote it, when its workflow started). */
  submittedAt: Date;
  /** The `init` transition: when the run left the queue. */
  startTime?: Date;
  /** The terminal transition. */
  endTime?: Date;
}

/**
 * A projection: the run's row as of `version`, and transitions not projected before (or all).
 * The request, which never changes, and a start time the run no longer carries may be left out:
 * the row keeps what it has.
 */
export interface RunProjection extends Omit<RunRow, 'request'> {
  request?: WesRunRequest;
  transitions: Transition[];
}

export type RecordedTransition = Pick<Transition, 'seq' | 'from' | 'to'>;

/** What a status read needs of a run: its state, and its owner to decide who may see it. */
export type RunStatusRow = Pick<RunRow, 'runId' | 'wesState' | 'owner'>;

/** What a listing shows of a run (WES RunSummary), and its place in the listing. */
export interface RunSummaryRow extends Pick<RunRow, 'runId' | 'wesState' | 'submittedAt' | 'startTime' | 'endTime'> {
  /** The request's tags; {} when it has none. */
  tags: Record<string, string>;
}

/**
 * One task of a run (docs/design.md, "Tasks"): a job its engine ran, or later a step of a task run.
 * Written only through `projectTasks`, idempotently: each report of a task carries a `version` that
 * grows as the task goes, and an older or repeated one changes nothing.
 */
export interface TaskRow {
  /** Unique within the run; stable across reports (the engine's job id or name). */
  taskId: string;
  /** The run's tasks list in this order (then by id); the first report's stays. */
  seq: number;
  version: number;
  name: string;
  state: WesState;
  startTime?: Date;
  endTime?: Date;
  exitCode?: number;
  cmd?: string[];
  /** Paths or URLs, as WES Log says. */
  stdout?: string;
  stderr?: string;
  systemLogs: string[];
  outputs: Record<string, unknown>;
  /** The run a step of a task run started. */
  childRunId?: string;
  /** The branch (itself a task) this task belongs to. */
  parentTaskId?: string;
}

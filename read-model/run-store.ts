/**
 * The read model of runs (docs/design.md, "The read model"): what the API lists, filters and counts, kept after
 * Temporal's retention ends. Written only through `project`, by worker activities (and once by
 * the API when it accepts a run), always idempotently: a projection carries the run's `version`
 * (which every projection of the run increases), and an older or repeated one changes nothing.
 */
import type { Transition } from '../domain/run-types';
import type { WesState } from '../domain/wes-state';
import type { RecordedTransition, RunProjection, RunRow, RunStatusRow, RunSummaryRow, TaskRow } from '../domain/run-rows';

export interface RunListQuery {
  pageSize: number;
  /** Opaque, from a previous page's `nextPageToken`. */
  pageToken?: string;
  /** Only runs in any of these WES states. */
  states?: WesState[];
  /** Only runs carrying all of these tags with these values. */
  tags?: Record<string, string>;
  owner?: string;
}

export interface RunPage {
  runs: RunSummaryRow[];
  /** '' when there are no more runs, as the WES spec says. */
  nextPageToken: string;
  /** All runs matching the filters (not only this page). */
  totalRuns: number;
}

export interface TaskListQuery {
  pageSize: number;
  /** Opaque, from a previous page's `nextPageToken`. */
  pageToken?: string;
}

export interface TaskPage {
  tasks: TaskRow[];
  /** '' when there are no more tasks. */
  nextPageToken: string;
}

/** A page token that is not one we issued. */
export class InvalidPageTokenError extends Error {
  override name = 'InvalidPageTokenError';
}

export interface RunStore {
  /**
   * Idempotent upsert of the run row (only if `version` is newer) and insert of its transitions.
   * Returns the transitions recorded now for the first time (none when repeated): what the worker counts.
   */
  project(projection: RunProjection): Promise<RecordedTransition[]>;
  get(runId: string): Promise<RunRow | undefined>;
  /** The few columns a status read needs, without the run's request, outputs and log. */
  status(runId: string): Promise<RunStatusRow | undefined>;
  /** In `seq` order; only those after `afterSeq` when given (a stream resuming). */
  transitions(runId: string, afterSeq?: number): Promise<Transition[]>;
  /** Newest first (submittedAt, then runId), keyset-paginated: stable while new runs arrive. */
  list(query: RunListQuery): Promise<RunPage>;
  countByWesState(): Promise<Partial<Record<WesState, number>>>;
  /**
   * Shows the run as CANCELING, unless it has ended: Temporal has recorded a cancel of its
   * workflow, which the workflow has not yet projected. No version: the workflow's next projection
   * (its own CANCELING, or how the run ended) replaces it, and one made before it heard of the
   * cancel keeps it.
   */
  markCanceling(runId: string): Promise<void>;
  /** Deletes the run, its transitions and its tasks; false if there was no such run. */
  delete(runId: string): Promise<boolean>;
  /**
   * Idempotent upsert of the run's tasks, each only if its `version` is newer. Dates may come as
   * ISO strings (through an activity). The run's row must exist.
   */
  projectTasks(runId: string, tasks: TaskRow[]): Promise<void>;
  /** In `seq` order (then task id), keyset-paginated: stable while tasks arrive. */
  listTasks(runId: string, query: TaskListQuery): Promise<TaskPage>;
  getTask(runId: string, taskId: string): Promise<TaskRow | undefined>;
  /** Resolves when the database answers a trivial query: the API's readiness. */
  ping(): Promise<void>;
}

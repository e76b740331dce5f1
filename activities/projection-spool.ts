/**
 * The read-model writes that could not reach PostgreSQL, kept by the worker process and written
 * the moment the database answers again (docs/design.md, "Recovery"). The workflow still retries
 * each of them until its own attempt succeeds, so the spool is only a shortcut: a worker that dies
 * loses it and nothing else. Its point is the timing: the workflow's retries come up to 5 s apart
 * (the server's, past the first local attempts; 10 s for runs from before that change), while this
 * process asks every half second, once for all its runs.
 *
 * A run has at most one projection (and one set of task rows) on its way at a time, since its
 * projections are chained (workflows/run-publisher.ts, workflows/task-run/step-rows.ts), and a
 * retry carries the same one: the spool keeps the last per run. Writing one twice, or late, changes
 * nothing (the version guard of RunStore).
 */
import { unavailableDependency } from './outages';
import type { RunStore } from '../read-model/run-store';
import type { RunProjection, TaskRow } from '../domain/run-rows';

const RETRY_EVERY_MS = 500;

export class ProjectionSpool {
  private readonly runs = new Map<string, RunProjection>();
  private readonly tasks = new Map<string, TaskRow[]>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly store: Pick<RunStore, 'project' | 'projectTasks'>,
    private readonly retryEveryMs = RETRY_EVERY_MS,
  ) {}

  /** Whether the error means the database cannot be reached (then the write is worth keeping). */
  static isOutage(err: unknown): boolean {
    return unavailableDependency(err) === 'the database';
  }

  keepRun(projection: RunProjection): void {
    this.runs.set(projection.runId, projection);
    this.schedule();
  }

  keepTasks(runId: string, rows: TaskRow[]): void {
    this.tasks.set(runId, rows);
    this.schedule();
  }

  get size(): number {
    return this.runs.size + this.tasks.size;
  }

  private schedule(): void {
    // Unref'd: a spool with writes left never keeps a stopping worker alive (the workflows retry them).
    this.timer ??= setTimeout(() => void this.flush(), this.retryEveryMs).unref();
  }

  /** Runs first: a run's task rows need its row. Stops at the first outage, to try again later. */
  private async flush(): Promise<void> {
    try {
      for (const [runId, projection] of this.runs) {
        if (!(await this.write(() => this.store.project(projection)))) return;
        if (this.runs.get(runId) === projection) this.runs.delete(runId);
      }
      for (const [runId, rows] of this.tasks) {
        if (!(await this.write(() => this.store.projectTasks(runId, rows)))) return;
        if (this.tasks.get(runId) === rows) this.tasks.delete(runId);
      }
    } finally {
      this.timer = undefined;
      if (this.size > 0) this.schedule();
    }
  }

  /** False while the database is away; any other failure drops the write, for the workflow's own retry to meet. */
  private async write(write: () => Promise<unknown>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (err) {
      return !ProjectionSpool.isOutage(err);
    }
  }
}

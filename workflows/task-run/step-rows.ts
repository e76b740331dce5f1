/**
 * The rows GET /runs/{id}/tasks lists for a task run: one per step and branch, with its state,
 * times, outputs and child run. Like the run's own row, changes made in one workflow activation go
 * out as one projection (a local activity), after the run's row exists, and never roll back: every
 * change of a row raises its version.
 */
import { CancellationScope } from '@temporalio/workflow';
import type { TaskRow } from '../../domain/run-rows';
import { projectTasks } from '../activity-stubs';
import type { WesState } from '../../domain/wes-state';

export type RowChange = Partial<Omit<TaskRow, 'taskId' | 'seq' | 'version'>>;

export class StepRows {
  private readonly rows = new Map<string, TaskRow>();
  private readonly dirty = new Set<string>();
  private projections: Promise<void> = Promise.resolve();
  private queued = false;

  constructor(
    private readonly runId: string,
    /** Resolves once the run's own row is in the read model: tasks rows need it. */
    private readonly runRowWritten: () => Promise<void>,
    carried: TaskRow[] = [],
    /** Told of every change: the task's current details follow its steps. */
    private readonly changed: () => void = () => undefined,
  ) {
    for (const row of carried) this.rows.set(row.taskId, row);
  }

  /** A step or branch that starts now, or starts again (a retry keeps its place in the list). */
  start(taskId: string, name: string, parentTaskId?: string): void {
    const row = this.rows.get(taskId);
    const seq = row?.seq ?? this.rows.size + 1;
    const fresh: TaskRow = {
      taskId,
      seq,
      version: row?.version ?? 0,
      name,
      state: 'RUNNING',
      systemLogs: [],
      outputs: {},
      startTime: new Date(),
      ...(parentTaskId ? { parentTaskId } : {}),
    };
    this.rows.set(taskId, fresh);
    this.touch(taskId);
  }

  update(taskId: string, change: RowChange): void {
    const row = this.rows.get(taskId);
    if (!row) throw new Error(`no task row ${taskId}`);
    this.rows.set(taskId, { ...row, ...change });
    this.touch(taskId);
  }

  end(taskId: string, state: WesState, change: RowChange = {}): void {
    this.update(taskId, { ...change, state, endTime: new Date() });
  }

  appendLog(taskId: string, line: string): void {
    const row = this.rows.get(taskId);
    if (row) this.update(taskId, { systemLogs: [...row.systemLogs, line] });
  }

  /** Resolves once every projection asked for so far is in the read model. */
  async settled(): Promise<void> {
    await this.projections;
  }

  carryOver(): TaskRow[] {
    return [...this.rows.values()];
  }

  private touch(taskId: string): void {
    const row = this.rows.get(taskId);
    if (!row) throw new Error(`task ${taskId} has no row to update`);
    this.rows.set(taskId, { ...row, version: row.version + 1 });
    this.dirty.add(taskId);
    this.changed();
    if (this.queued) return;
    this.queued = true;
    this.projections = this.projections.then(() => this.project());
  }

  private async project(): Promise<void> {
    await this.runRowWritten();
    this.queued = false;
    const rows = [...this.dirty].flatMap((taskId) => this.rows.get(taskId) ?? []);
    this.dirty.clear();
    await CancellationScope.nonCancellable(() => projectTasks(this.runId, rows));
  }
}

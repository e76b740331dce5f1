/**
 * A run's tasks, as its provider reports them, copied into the read model (docs/design.md, "Tasks").
 */
import { log } from '@temporalio/activity';
import { errorMessage } from './errors';
import type { Provider, TaskReport } from './providers/provider';
import type { RunStore } from '../read-model/run-store';
import type { TaskRow } from '../domain/run-rows';
import type { ProviderRun } from '../domain/run-types';

const TASK_REPORTS_EVERY_MS = 1_000;
/** The last report of a run's tasks waits no longer for the read model: the run's end must not. */
const FINAL_TASK_REPORT_MS = 10_000;

function taskRow(report: TaskReport): TaskRow {
  const { id, startTime, endTime, ...rest } = report;
  return {
    ...rest,
    taskId: id,
    ...(startTime ? { startTime: new Date(startTime) } : {}),
    ...(endTime ? { endTime: new Date(endTime) } : {}),
    outputs: {},
  };
}

/**
 * Copies a run's tasks, as its provider reports them, into the read model: straight from the
 * activity, never through the workflow, whose history must not grow with a run's jobs
 * (docs/design.md, "Tasks"). Only tasks whose version changed since the last copy. A failure is
 * logged and the next copy tries again: tasks never fail a run, nor hold it up.
 */
export class TaskReporter {
  private readonly copied = new Map<string, number>();
  private inFlight?: Promise<void>;
  private lastAt = 0;
  private failing = false;

  constructor(
    private readonly provider: Provider,
    private readonly run: ProviderRun,
    private readonly runStore: RunStore,
  ) {}

  /** While the run goes: at most once a second, and never waited for. */
  report(): void {
    if (!this.provider.tasks || this.inFlight || Date.now() - this.lastAt < TASK_REPORTS_EVERY_MS) return;
    this.inFlight = this.copy().finally(() => (this.inFlight = undefined));
  }

  /** When the run has ended: once more, waited for a while. */
  async final(): Promise<void> {
    if (!this.provider.tasks) return;
    let timer: NodeJS.Timeout | undefined;
    const copied = (async () => {
      await this.inFlight;
      await this.copy();
    })();
    try {
      await Promise.race([copied, new Promise((resolve) => (timer = setTimeout(resolve, FINAL_TASK_REPORT_MS)))]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async copy(): Promise<void> {
    this.lastAt = Date.now();
    try {
      const reports = (await this.provider.tasks?.(this.run)) ?? [];
      const changed = reports.filter((report) => this.copied.get(report.id) !== report.version);
      if (changed.length > 0) await this.runStore.projectTasks(this.run.runId, changed.map(taskRow));
      for (const report of changed) this.copied.set(report.id, report.version);
      this.failing = false;
    } catch (err) {
      // Once per outage: the next copies would only say the same.
      if (!this.failing) log.warn(`run ${this.run.runId}: its tasks could not be reported: ${errorMessage(err)}`);
      this.failing = true;
    }
  }
}

/** Actions on an existing run: cancel, resume, delete. The caller has found the run visible. */
import { BadRequestException, ConflictException, Inject, Injectable, Logger } from '@nestjs/common';
import { rm } from 'node:fs/promises';
import { errorMessage } from '../../../activities/errors';
import { runWorkDir } from '../../../activities/work-dir';
import type { ResumeInput } from '../../../domain/run-types';
import { isTerminal } from '../../../domain/state-machine';
import { TASK_WORKFLOW_TYPE } from '../../../domain/task-definition';
import { isTerminalWesState } from '../../../domain/wes-state';
import type { Config } from '../../config/config';
import type { RunStore } from '../../../read-model/run-store';
import type { RunRow } from '../../../domain/run-rows';
import { ContentAddressedStore } from '../../payloads/blob-store';
import { payloadBlobDir } from '../../payloads/data-converter';
import { CONFIG, RUN_STORE } from '../core/tokens';
import { RunWorkflows } from '../temporal/run-workflows';
import { WorkflowHistories } from '../temporal/workflow-histories';
import { TaskReading } from './task-reading.service';
import { refuseInexactNumbers } from './task-numbers';
import { isTaskRequest } from './task-submission';
import { WaitingGates } from './waiting-gate';

/** Rows of a run's tasks read at once while looking for a task's step runs. */
const TASK_PAGE = 500;

@Injectable()
export class RunControl {
  private readonly logger = new Logger(RunControl.name);
  private readonly blobs: ContentAddressedStore;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(RUN_STORE) private readonly runStore: RunStore,
    private readonly workflows: RunWorkflows,
    private readonly histories: WorkflowHistories,
    private readonly gates: WaitingGates,
    private readonly reading: TaskReading,
  ) {
    this.blobs = new ContentAddressedStore(payloadBlobDir(config.dataDir));
  }

  /**
   * Cancelling a cancelled run again is harmless; cancelling one that ended otherwise is a conflict.
   * Once Temporal has recorded the cancel, the run shows CANCELING at once, without waiting for its
   * workflow to hear of it (docs/design.md, "Cancel and Temporal-native control"); best effort, as
   * the workflow projects it anyway.
   */
  async cancel(run: RunRow): Promise<void> {
    if (run.wesState === 'CANCELED' || run.wesState === 'CANCELING') return;
    if (isTerminalWesState(run.wesState)) throw new ConflictException(`run ${run.runId} has already ended as ${run.wesState}`);
    await this.workflows.cancel(run.runId);
    await this.runStore
      .markCanceling(run.runId)
      .catch((err: unknown) => this.logger.warn(`run ${run.runId} cancelled, but not yet shown as CANCELING: ${errorMessage(err)}`));
  }

  /** A task's input is checked here first, on RE2; the workflow checks it again (./waiting-gate.ts). */
  async resume(run: RunRow, input: ResumeInput) {
    if (isTaskRequest(run.request)) {
      refuseInexactNumbers(input, 'input');
      const gate = await this.gates.oldest(run);
      const problem = gate && (await this.reading.gateInputProblem(gate, input));
      if (problem) throw new BadRequestException(problem);
    }
    return this.workflows.resume(run.runId, input);
  }

  /**
   * Forgets a run everywhere (docs/design.md, "Deleting a run"): its workflow's executions in
   * Temporal, its payload blobs no other run refers to, its work dir (outputs and logs) and its
   * read-model rows; and the same of a task's step runs. Only once it has ended and been cleaned
   * up, so nothing is left running or staged. The row goes last: a failure leaves it, and the DELETE
   * can be repeated.
   */
  async delete(run: RunRow): Promise<void> {
    assertForgettable(run);
    const steps = await this.stepRuns(run.runId);
    for (const step of steps) {
      const row = await this.runStore.get(step);
      if (row) assertForgettable(row, ` (a step run of task ${run.runId})`);
    }
    for (const runId of [...steps, run.runId]) await this.forget(runId);
  }

  private async forget(runId: string): Promise<void> {
    await this.histories.delete(runId);
    await this.blobs.release(runId);
    await rm(runWorkDir(this.config.dataDir, runId), { recursive: true, force: true });
    await this.runStore.delete(runId);
  }

  /** The runs a task started for its steps: from its /tasks rows, and from Temporal for any not yet recorded there. */
  private async stepRuns(runId: string): Promise<string[]> {
    const ids = new Set<string>(await this.histories.children(runId));
    let pageToken: string | undefined;
    do {
      const page = await this.runStore.listTasks(runId, { pageSize: TASK_PAGE, pageToken });
      for (const task of page.tasks) if (task.childRunId) ids.add(task.childRunId);
      pageToken = page.nextPageToken || undefined;
    } while (pageToken);
    return [...ids];
  }
}

/** A task run has no provider to clean up: it is done once ended, and its step runs once cleaned up. */
function assertForgettable(run: RunRow, which = ''): void {
  const cleaned = run.cleaned || run.request.workflow_type === TASK_WORKFLOW_TYPE;
  if (!isTerminal(run.state) || !cleaned) {
    throw new ConflictException(
      `run ${run.runId}${which} is ${run.wesState}${isTerminal(run.state) ? ' and not yet cleaned up' : ''}: only ended, cleaned-up runs can be deleted`,
    );
  }
}

/** Actions on an existing run: cancel, resume, delete. The caller has found the run visible. */
import { ConflictException, Inject, Injectable, Logger } from '@nestjs/common';
import { rm } from 'node:fs/promises';
import { runWorkDir } from '../../../activities/work-dir';
import type { ResumeInput } from '../../../workflows/run-types';
import { isTerminal } from '../../../workflows/state-machine';
import { isTerminalWesState } from '../../../workflows/wes-state';
import type { Config } from '../../config';
import type { RunRow, RunStore } from '../../database/run-store';
import { CONFIG, RUN_STORE } from '../core/tokens';
import { RunWorkflows } from '../temporal/run-workflows';

@Injectable()
export class RunControl {
  private readonly logger = new Logger(RunControl.name);

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(RUN_STORE) private readonly runStore: RunStore,
    private readonly workflows: RunWorkflows,
  ) {}

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
    await this.runStore.markCanceling(run.runId).catch((err: Error) => this.logger.warn(`run ${run.runId} cancelled, but not yet shown as CANCELING: ${err.message}`));
  }

  resume(run: RunRow, input: ResumeInput) {
    return this.workflows.resume(run.runId, input);
  }

  /**
   * Forgets a run: its work dir (outputs and logs) and its read-model row. Only once it has ended
   * and been cleaned up, so nothing is left running or staged. The work dir goes first: a failure
   * then leaves the row, and the DELETE can be repeated.
   */
  async delete(run: RunRow): Promise<void> {
    if (!isTerminal(run.state) || !run.cleaned) {
      throw new ConflictException(`run ${run.runId} is ${run.wesState}${isTerminal(run.state) ? ' and not yet cleaned up' : ''}: only ended, cleaned-up runs can be deleted`);
    }
    await rm(runWorkDir(this.config.dataDir, run.runId), { recursive: true, force: true });
    await this.runStore.delete(run.runId);
  }
}

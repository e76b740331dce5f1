/**
 * What the API asks of run workflows: start, cancel, resume. Reads never come here; they come
 * from the read model. Temporal errors that mean "wrong state" become 409s here; the others
 * (unavailable, timeouts) are left to the error filter.
 */
import { BadRequestException, ConflictException, Inject, Injectable } from '@nestjs/common';
import {
  ApplicationFailure,
  Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import type { Config } from '../../config/config';
import { INVALID_RESUME_INPUT, NOT_AWAITING_INPUT, resumeUpdate } from '../../../domain/messages';
import type { ResumeInput, RunInput, RunSnapshot } from '../../../domain/run-types';
import type { wesRunV5 } from '../../../workflows/wes-run';
import type { wesTaskV1 } from '../../../workflows/task-run';
import type { TaskInput } from '../../../workflows/task-run/task-types';
import { WORKFLOW_TYPES } from '../../../domain/workflow-types';
import { CONFIG } from '../core/tokens';
import { runDetails, runSummary } from '../../../domain/run-story';
import { searchAttributesOf, WesSummaryKey } from '../../../domain/search-attributes';
import type { SearchAttributePair } from '@temporalio/common';

@Injectable()
export class RunWorkflows {
  constructor(
    private readonly client: Client,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** Whether a workflow with this id is running, closed (within retention), or not there at all. */
  async find(runId: string): Promise<'running' | 'closed' | undefined> {
    try {
      const { status } = await this.client.workflow.getHandle(runId).describe();
      return status.name === 'RUNNING' ? 'running' : 'closed';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  /**
   * Starts the run's workflow, id = run id. Starting a run id that already has a workflow starts
   * nothing: a running one is used as it is, a closed one is never started again.
   */
  async start(input: RunInput): Promise<void> {
    const { request, provider, owner } = input;
    // As the workflow would show it: its first workflow task then has no attributes to upsert.
    const searchAttributes = searchAttributesOf({ wesState: 'QUEUED', workflowType: request.workflow_type, provider, owner });
    await this.startOnce<typeof wesRunV5>(
      WORKFLOW_TYPES.run,
      input,
      [{ ...input, ...(this.config.runTimeout ? { timeout: this.config.runTimeout } : {}) }],
      searchAttributes,
    );
  }

  /** A task's workflow (docs/tasks.md), started as a run's is; its child runs link to this API too. */
  async startTask(input: TaskInput): Promise<void> {
    await this.startOnce<typeof wesTaskV1>(WORKFLOW_TYPES.task, input, [{ ...input, apiUrl: this.config.exampleApiUrl }]);
  }

  /** With the summary and details the Temporal UI shows of the run (domain/run-story.ts). */
  private async startOnce<W extends typeof wesRunV5 | typeof wesTaskV1>(
    type: string,
    input: RunInput | TaskInput,
    args: Parameters<W>,
    runAttributes: SearchAttributePair[] = [],
  ): Promise<void> {
    const { runId, request } = input;
    const task = type === WORKFLOW_TYPES.task;
    const summary = runSummary(input);
    try {
      await this.client.workflow.start<W>(type, {
        taskQueue: this.config.taskQueue,
        workflowId: runId,
        args,
        staticSummary: summary,
        typedSearchAttributes: [...runAttributes, { key: WesSummaryKey, value: summary }],
        staticDetails: runDetails(request, { runId, apiUrl: this.config.exampleApiUrl, task }),
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }

  async cancel(runId: string): Promise<void> {
    try {
      // Temporal's own cancel, as from the Web UI or the CLI: the workflow then closes as Canceled.
      await this.client.workflow.getHandle(runId).cancel();
    } catch (err) {
      throw this.ended(runId, err);
    }
  }

  /**
   * Resumes a run waiting for input. The workflow's own verdict: 409 when it is not waiting, 400
   * when a task's gate refuses the input (its schema), and the task keeps waiting.
   */
  async resume(runId: string, input: ResumeInput): Promise<RunSnapshot> {
    try {
      return await this.client.workflow.getHandle<typeof wesRunV5>(runId).executeUpdate(resumeUpdate, { args: [input] });
    } catch (err) {
      const cause = err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure ? err.cause : undefined;
      if (cause?.type === NOT_AWAITING_INPUT) throw new ConflictException(cause.message);
      if (cause?.type === INVALID_RESUME_INPUT) throw new BadRequestException(cause.message);
      throw this.ended(runId, err);
    }
  }

  /** A closed workflow takes no more messages: the run has ended, whatever the read model says yet. */
  private ended(runId: string, err: unknown): unknown {
    return err instanceof WorkflowNotFoundError ? new ConflictException(`run ${runId} has already ended`) : err;
  }
}

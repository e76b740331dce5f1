/**
 * What Temporal keeps of a run: the executions of its workflow id (one per continue-as-new) and
 * those of the child workflows it started. DELETE /runs/{id} deletes them, params included
 * (docs/design.md, "Deleting a run"). Temporal deletes asynchronously: an execution may still be
 * described for a moment after the call returned.
 */
import { ConflictException, Inject, Injectable } from '@nestjs/common';
import { Client, isGrpcServiceError, WorkflowNotFoundError } from '@temporalio/client';
import type { Config } from '../../config/config';
import { CONFIG } from '../core/tokens';

/** How long a run whose read model shows it ended may take to close its workflow (its last projection is its last act). */
const CLOSE_WAIT_MS = 5_000;

/** gRPC's status code, as Temporal answers for an execution it no longer has. */
const NOT_FOUND = 5;

/** Visibility's string literal: quotes and backslashes escaped. */
const literal = (text: string) => `'${text.replace(/[\\']/g, (c) => `\\${c}`)}'`;

@Injectable()
export class WorkflowHistories {
  constructor(
    private readonly client: Client,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** The ids of the workflows `workflowId` started as children (a task's step runs), as far as Temporal still has them. */
  async children(workflowId: string): Promise<string[]> {
    const ids = new Set<string>();
    for await (const child of this.client.workflow.list({ query: `ParentWorkflowId = ${literal(workflowId)}` })) ids.add(child.workflowId);
    return [...ids];
  }

  /** Deletes every execution of `workflowId`; a 409 while its latest one is still running. */
  async delete(workflowId: string): Promise<void> {
    await this.untilClosed(workflowId);
    const runIds = new Set<string | undefined>([undefined]);
    for await (const execution of this.client.workflow.list({ query: `WorkflowId = ${literal(workflowId)}` })) runIds.add(execution.runId);
    for (const runId of runIds) {
      try {
        await this.client.workflowService.deleteWorkflowExecution({
          namespace: this.config.temporalNamespace,
          workflowExecution: { workflowId, runId },
        });
      } catch (err) {
        // Compared as the protocol's number: grpc-js, whose enum types the code, is Temporal's dependency, not ours.
        if (!isGrpcServiceError(err) || (err.code as number) !== NOT_FOUND) throw err;
      }
    }
  }

  private async untilClosed(workflowId: string): Promise<void> {
    const deadline = Date.now() + CLOSE_WAIT_MS;
    for (;;) {
      let status: string;
      try {
        ({
          status: { name: status },
        } = await this.client.workflow.getHandle(workflowId).describe());
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return;
        throw err;
      }
      if (status !== 'RUNNING') return;
      if (Date.now() > deadline)
        throw new ConflictException(`the workflow of run ${workflowId} is still running in Temporal: try again once it has closed`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

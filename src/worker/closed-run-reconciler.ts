/**
 * A run's workflow records its own end in the read model, unless Temporal ends it from outside:
 * terminated (Web UI, CLI) or timed out by a Temporal-level timeout. No workflow code runs then,
 * so the worker process sweeps Temporal's visibility for such runs and records them as failed
 * (`system_error`), naming what Temporal did. Idempotent: a run already ended is left alone.
 */
import type { Client } from '@temporalio/client';
import { isTerminal } from '../../domain/state-machine';
import { RunLedger } from '../../workflows/run-ledger';
import { RUN_RECORDING_TYPES } from '../../domain/workflow-types';
import type { RunStore } from '../../read-model/run-store';

const CLOSED_FROM_OUTSIDE = ['Terminated', 'TimedOut'];

export class ClosedRunReconciler {
  /** Closed runs before this were swept already. */
  private sweptUntil = new Date(0);

  constructor(
    private readonly client: Client,
    private readonly store: RunStore,
  ) {}

  /** Fails in the read model every run closed from outside since the last sweep; returns how many. */
  async sweep(): Promise<number> {
    const types = RUN_RECORDING_TYPES.map((type) => `'${type}'`).join(', ');
    const statuses = CLOSED_FROM_OUTSIDE.map((status) => `'${status}'`).join(', ');
    const query = `WorkflowType IN (${types}) AND ExecutionStatus IN (${statuses}) AND CloseTime >= '${this.sweptUntil.toISOString()}'`;
    let failed = 0;
    let latest = this.sweptUntil;
    for await (const workflow of this.client.workflow.list({ query })) {
      if (workflow.closeTime && workflow.closeTime > latest) latest = workflow.closeTime;
      if (await this.failInReadModel(workflow.workflowId, workflow.status.name, workflow.closeTime)) failed++;
    }
    this.sweptUntil = latest;
    return failed;
  }

  /** Runs `sweep` every `intervalMs` until `signal` aborts; a failed sweep is reported and retried. */
  async run(intervalMs: number, signal: AbortSignal, report: (message: string) => void): Promise<void> {
    while (!signal.aborted) {
      await this.sweep().catch((err: unknown) => report(`reconciler: sweep failed: ${(err as Error).message}`));
      await new Promise((resolve) => setTimeout(resolve, intervalMs).unref());
    }
  }

  /** `status`: the SDK's name of the execution status (TERMINATED, TIMED_OUT), not visibility's. */
  private async failInReadModel(runId: string, status: string, closedAt = new Date()): Promise<boolean> {
    const row = await this.store.get(runId);
    if (!row || isTerminal(row.state)) return false;
    const transitions = await this.store.transitions(runId);
    const ledger = new RunLedger(runId, { ...row, log: row.runLog, transitions: transitions.slice(-1), preempted: false });
    const lastSeq = ledger.lastSeq;
    ledger.fail('system_error', `the run's workflow was ${status === 'TIMED_OUT' ? 'timed out' : 'terminated'} in Temporal`);
    for (const transition of ledger.transitions.filter((t) => t.seq > lastSeq)) transition.at = closedAt.toISOString();
    const projection = ledger.projection({ request: row.request, owner: row.owner }, row.submittedAt, row.version + 1, lastSeq);
    await this.store.project(projection);
    return true;
  }
}

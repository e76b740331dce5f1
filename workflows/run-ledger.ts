/**
 * The in-workflow ledger of one run: its transition log and what it produced. The state, the
 * failure reason, whether its provider holds it queued, and the WES state are derived from the log,
 * never stored beside it; every state change goes through `transition`, which enforces the table
 * of state-machine.ts.
 */
import { isTerminal, nextState, type ExecutionState, type FailureReason, type TransitionType } from '../domain/state-machine';
import { toWesState } from '../domain/wes-state';
import type { RunProjection } from '../domain/run-rows';
import type { CarriedLedger, PublishedRun, RunLog, RunSnapshot, Transition } from '../domain/run-types';

/** How many transitions a ledger carries into a new execution; the read model keeps them all. */
export const CARRIED_TRANSITIONS = 100;

export class RunLedger {
  canceling = false;
  preempted = false;
  provider?: string;
  externalId?: string;
  activityQueue?: string;
  outputs: Record<string, unknown> = {};
  log: RunLog = {};
  cleaned = false;
  readonly transitions: Transition[] = [];

  constructor(
    readonly runId: string,
    carried?: CarriedLedger,
  ) {
    if (!carried) return;
    ({ canceling: this.canceling, preempted: this.preempted, provider: this.provider, externalId: this.externalId } = carried);
    ({ activityQueue: this.activityQueue, outputs: this.outputs, log: this.log, cleaned: this.cleaned } = carried);
    this.transitions.push(...carried.transitions);
  }

  get state(): ExecutionState {
    return this.transitions.at(-1)?.to ?? 'queued';
  }

  get lastSeq(): number {
    return this.transitions.at(-1)?.seq ?? 0;
  }

  /** Of a failed run: the reason its `error` transition gave. */
  get failureReason(): FailureReason | undefined {
    const last = this.transitions.at(-1);
    return last?.type === 'error' ? (last.payload?.reason as FailureReason) : undefined;
  }

  /** Whether the provider holds the run in its queue: its last transition says so, until the next one. */
  get queued(): boolean {
    return this.transitions.at(-1)?.type === 'queue';
  }

  /** What went wrong, for a run that ended on an error (also one cancelled while failing). */
  get error(): string | undefined {
    const last = this.transitions.at(-1);
    return last && isTerminal(last.to) ? (last.payload?.error as string | undefined) : undefined;
  }

  get wesState() {
    return toWesState(this);
  }

  /** Moves to the state `type` leads to, or throws InvalidTransitionError. */
  transition(type: TransitionType, payload?: Record<string, unknown>): Transition {
    const from = this.state;
    const transition: Transition = {
      seq: this.lastSeq + 1,
      type,
      from,
      to: nextState(from, type),
      // Workflow time: deterministic under replay.
      at: new Date().toISOString(),
      ...(payload === undefined ? {} : { payload }),
    };
    this.transitions.push(transition);
    return transition;
  }

  /** A paused run leaves its pause first: the table lets `failed` follow only a working state. */
  fail(reason: FailureReason, error: string): Transition {
    if (this.state === 'awaiting_input') this.transition('step', { reason });
    return this.transition('error', { reason, error });
  }

  appendSystemLog(line: string): void {
    this.log = { ...this.log, system_logs: [...(this.log.system_logs ?? []), line] };
  }

  /** What a continued execution starts from: the newest transitions only. */
  carryOver(): CarriedLedger {
    const { canceling, preempted, provider, externalId, activityQueue, outputs, log, cleaned } = this;
    const transitions = this.transitions.slice(-CARRIED_TRANSITIONS);
    return { canceling, preempted, provider, externalId, activityQueue, outputs, log, cleaned, transitions };
  }

  /**
   * The read model's view of the run as of projection number `version`, with the transitions
   * after `sinceSeq` (the earlier ones were projected before). A time the ledger no longer holds
   * is left out, and the read model keeps the one it has.
   */
  projection(input: PublishedRun, submittedAt: Date, version: number, sinceSeq: number): RunProjection {
    const at = (found: Transition | undefined) => (found ? new Date(found.at) : undefined);
    return {
      runId: this.runId,
      version,
      state: this.state,
      wesState: this.wesState,
      canceling: this.canceling,
      request: input.request,
      provider: this.provider,
      owner: input.owner,
      externalId: this.externalId,
      failureReason: this.failureReason,
      errorMessage: this.error,
      outputs: this.outputs,
      runLog: this.log,
      cleaned: this.cleaned,
      submittedAt,
      startTime: at(this.transitions.find((t) => t.type === 'init')),
      endTime: at(this.transitions.find((t) => isTerminal(t.to))),
      transitions: this.transitions.filter((t) => t.seq > sinceSeq),
    };
  }

  snapshot(): RunSnapshot {
    return {
      runId: this.runId,
      state: this.state,
      wesState: this.wesState,
      canceling: this.canceling,
      failureReason: this.failureReason,
      error: this.error,
      provider: this.provider,
      externalId: this.externalId,
      transitions: [...this.transitions],
      outputs: this.outputs,
      log: this.log,
      cleaned: this.cleaned,
    };
  }
}

/**
 * The in-workflow record of one run: its state, its transition log and what it produced.
 * Every state change goes through `transition`, which enforces the table of state-machine.ts;
 * the WES state is derived on demand and never stored.
 */
import { isTerminal, nextState, type ExecutionState, type FailureReason, type TransitionType } from './state-machine';
import { toWesState } from './wes-state';
import type { RunProjection } from '../src/database/run-store';
import type { RunInput, RunLog, RunSnapshot, TransitionRecord } from './run-types';

export class RunRecord {
  state: ExecutionState = 'queued';
  canceling = false;
  preempted = false;
  failureReason?: FailureReason;
  error?: string;
  provider?: string;
  externalId?: string;
  outputs: Record<string, unknown> = {};
  log: RunLog = {};
  cleaned = false;
  readonly transitions: TransitionRecord[] = [];

  constructor(readonly runId: string) {}

  /** Moves to the state `type` leads to, or throws InvalidTransitionError. */
  transition(type: TransitionType, payload?: Record<string, unknown>): TransitionRecord {
    const from = this.state;
    const to = nextState(from, type);
    const record: TransitionRecord = {
      seq: this.transitions.length + 1,
      type,
      from,
      to,
      // Workflow time: deterministic under replay.
      at: new Date().toISOString(),
      ...(payload === undefined ? {} : { payload }),
    };
    this.transitions.push(record);
    this.state = to;
    return record;
  }

  fail(reason: FailureReason, error: string): TransitionRecord {
    this.failureReason = reason;
    this.error = error;
    return this.transition('error', { reason, error });
  }

  get wesState() {
    return toWesState(this);
  }

  /**
   * The read model's view of the run as of projection number `version`, with the transitions
   * from `sinceSeq` on (the earlier ones were projected before).
   */
  projection(input: RunInput, submittedAt: Date, version: number, sinceSeq: number): RunProjection {
    const at = (type: TransitionRecord['type'] | 'terminal') => {
      const found = this.transitions.find((t) => (type === 'terminal' ? isTerminal(t.to) : t.type === type));
      return found ? new Date(found.at) : undefined;
    };
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
      startTime: at('init'),
      endTime: at('terminal'),
      transitions: this.transitions.slice(sinceSeq),
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

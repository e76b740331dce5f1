/**
 * How an execution state shows through the GA4GH WES API (docs/design.md, "WES states").
 * Pure: shared by the workflow (search attributes), the API and the tests.
 */
import { isTerminal, type ExecutionState, type FailureReason, type TransitionType } from './state-machine';

/** The `State` enum of WES 1.1. */
export const WES_STATES = [
  'UNKNOWN',
  'QUEUED',
  'INITIALIZING',
  'RUNNING',
  'PAUSED',
  'COMPLETE',
  'EXECUTOR_ERROR',
  'SYSTEM_ERROR',
  'CANCELED',
  'CANCELING',
  'PREEMPTED',
] as const;
export type WesState = (typeof WES_STATES)[number];

/** The WES states a run never leaves: those its terminal execution states show as. */
export const TERMINAL_WES_STATES: readonly WesState[] = ['COMPLETE', 'EXECUTOR_ERROR', 'SYSTEM_ERROR', 'CANCELED'];

/** Whether a run (or a provider's run) in this WES state has ended; any string, as clients read it. */
export function isTerminalWesState(state: string): boolean {
  return (TERMINAL_WES_STATES as readonly string[]).includes(state);
}

export interface WesStateInputs {
  state: ExecutionState;
  canceling: boolean;
  failureReason?: FailureReason;
  /** The provider preempted the run and it will be retried. */
  preempted?: boolean;
  /** The provider holds the run in its queue: nothing of it has started yet. */
  queued?: boolean;
}

const BY_STATE: Record<ExecutionState, WesState> = {
  queued: 'QUEUED',
  starting: 'INITIALIZING',
  running: 'RUNNING',
  awaiting_input: 'PAUSED',
  succeeded: 'COMPLETE',
  failed: 'EXECUTOR_ERROR',
  cancelled: 'CANCELED',
};

export function toWesState({ state, canceling, failureReason, preempted, queued }: WesStateInputs): WesState {
  if (state === 'failed') return failureReason === 'system_error' ? 'SYSTEM_ERROR' : 'EXECUTOR_ERROR';
  if (isTerminal(state)) return BY_STATE[state];
  if (canceling) return 'CANCELING';
  if (preempted) return 'PREEMPTED';
  if (queued) return 'QUEUED';
  return BY_STATE[state];
}

/** What a transition says of the state it leads to (a transition of run-types.ts). */
export interface TransitionOutcome {
  type: TransitionType;
  to: ExecutionState;
  payload?: Record<string, unknown>;
}

/**
 * The WES state a run shows right after a transition, as toWesState derives it from the run's last
 * transition. A cancel request (CANCELING) and a preemption (PREEMPTED) are no transitions: a run
 * shows them between two, and the transition that follows says how it went on.
 */
export function wesStateAfter({ type, to, payload }: TransitionOutcome): WesState {
  const failureReason = type === 'error' ? (payload?.reason as FailureReason | undefined) : undefined;
  return toWesState({ state: to, canceling: false, failureReason, queued: type === 'queue' });
}

/** A transition as the API shows it: with the WES state it led to, derived here, never stored beside it. */
export function withWesState<T extends TransitionOutcome>(transition: T): T & { wes_state: WesState } {
  return { ...transition, wes_state: wesStateAfter(transition) };
}

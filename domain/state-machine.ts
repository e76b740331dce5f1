/**
 * The execution state machine of a run (docs/design.md, "The execution state machine"), as data.
 *
 * Pure and side-effect free: imported by the workflow, the API and the tests alike,
 * so that there is exactly one definition of which state may follow which.
 */

export const EXECUTION_STATES = ['queued', 'starting', 'running', 'awaiting_input', 'succeeded', 'failed', 'cancelled'] as const;
export type ExecutionState = (typeof EXECUTION_STATES)[number];

/** The transition table: for each state, the states it may move to. */
export const TRANSITIONS: Readonly<Record<ExecutionState, readonly ExecutionState[]>> = {
  queued: ['starting', 'failed', 'cancelled'],
  starting: ['running', 'awaiting_input', 'succeeded', 'failed', 'cancelled'],
  running: ['running', 'awaiting_input', 'succeeded', 'failed', 'cancelled'],
  awaiting_input: ['running', 'cancelled'],
  succeeded: [],
  failed: [],
  cancelled: [],
};

/** Every logged transition has a type; the type names the state it leads to. */
export const TRANSITION_TARGETS = {
  init: 'starting',
  step: 'running',
  // The provider holds the submitted run in its queue: running as far as the workflow goes (the
  // provider has it), QUEUED through WES until the next transition (wes-state.ts).
  queue: 'running',
  wait: 'awaiting_input',
  resume: 'running',
  finish: 'succeeded',
  error: 'failed',
  cancelled: 'cancelled',
  init_branch: 'running',
  finish_branch: 'running',
} as const satisfies Record<string, ExecutionState>;
export type TransitionType = keyof typeof TRANSITION_TARGETS;

export const FAILURE_REASONS = ['executor_error', 'system_error', 'timed_out'] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

export class InvalidTransitionError extends Error {
  constructor(
    readonly from: ExecutionState,
    readonly to: ExecutionState,
  ) {
    super(`invalid transition ${from} → ${to}`);
    this.name = 'InvalidTransitionError';
  }
}

export function canTransition(from: ExecutionState, to: ExecutionState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Terminal states are derived from the table: those with nowhere to go. */
export function isTerminal(state: ExecutionState): boolean {
  return TRANSITIONS[state].length === 0;
}

/** The state a transition of `type` from `from` leads to; throws if the table forbids it. */
export function nextState(from: ExecutionState, type: TransitionType): ExecutionState {
  const to = TRANSITION_TARGETS[type];
  if (!canTransition(from, to)) throw new InvalidTransitionError(from, to);
  return to;
}

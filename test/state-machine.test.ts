/** The transition table over all 49 pairs of states, and the WES mapping (docs/design.md, "The execution state machine", "WES states"). */
import {
  canTransition,
  EXECUTION_STATES,
  FAILURE_REASONS,
  InvalidTransitionError,
  isTerminal,
  nextState,
  TRANSITION_TARGETS,
  type ExecutionState,
  type TransitionType,
} from '../domain/state-machine';
import { RunLedger } from '../workflows/run-ledger';
import { TERMINAL_WES_STATES, toWesState, wesStateAfter } from '../domain/wes-state';

// The table of docs/design.md, "The execution state machine", written out independently of the module under test.
const ALLOWED = new Set([
  'queued>starting',
  'queued>failed',
  'queued>cancelled',
  'starting>running',
  'starting>awaiting_input',
  'starting>succeeded',
  'starting>failed',
  'starting>cancelled',
  'running>running',
  'running>awaiting_input',
  'running>succeeded',
  'running>failed',
  'running>cancelled',
  'awaiting_input>running',
  'awaiting_input>cancelled',
]);

const pairs = EXECUTION_STATES.flatMap((from) => EXECUTION_STATES.map((to) => [from, to] as const));

test('there are 7 states and 49 pairs', () => {
  expect(pairs).toHaveLength(49);
});

test.each(pairs)('%s → %s is allowed exactly when the transition table says so', (from, to) => {
  expect(canTransition(from, to)).toBe(ALLOWED.has(`${from}>${to}`));
});

/** A ledger whose log ends in `state` (its state is derived from the log). */
function ledgerIn(state: ExecutionState): RunLedger {
  const ledger = new RunLedger('run-x');
  if (state !== 'queued') ledger.transitions.push({ seq: 1, type: 'step', from: 'queued', to: state, at: new Date(0).toISOString() });
  return ledger;
}

test.each(pairs)('a RunLedger in %s moving to %s transitions or throws', (from, to) => {
  const types = (Object.keys(TRANSITION_TARGETS) as TransitionType[]).filter((t) => TRANSITION_TARGETS[t] === to);
  for (const type of types) {
    const ledger = ledgerIn(from);
    const before = ledger.transitions.length;
    if (ALLOWED.has(`${from}>${to}`)) {
      expect(ledger.transition(type).to).toBe(to);
      expect(ledger.state).toBe(to);
      expect(ledger.transitions).toHaveLength(before + 1);
    } else {
      expect(() => ledger.transition(type)).toThrow(InvalidTransitionError);
      expect(ledger.state).toBe(from);
      expect(ledger.transitions).toHaveLength(before);
    }
  }
});

test('terminal states are exactly the three ends', () => {
  expect(EXECUTION_STATES.filter(isTerminal)).toEqual(['succeeded', 'failed', 'cancelled']);
});

test('the terminal WES states are those the terminal execution states show as, and no other', () => {
  const shown = EXECUTION_STATES.filter(isTerminal).flatMap((state) =>
    FAILURE_REASONS.map((failureReason) => toWesState({ state, canceling: false, failureReason })),
  );
  expect([...new Set(shown)].sort()).toEqual([...TERMINAL_WES_STATES].sort());
});

test('every transition type leads to a state', () => {
  expect(nextState('queued', 'init')).toBe('starting');
  expect(nextState('running', 'wait')).toBe('awaiting_input');
  expect(nextState('awaiting_input', 'resume')).toBe('running');
  expect(nextState('running', 'init_branch')).toBe('running');
  expect(() => nextState('succeeded', 'step')).toThrow('invalid transition succeeded → running');
});

describe('WES state', () => {
  const plain: Array<[ExecutionState, string]> = [
    ['queued', 'QUEUED'],
    ['starting', 'INITIALIZING'],
    ['running', 'RUNNING'],
    ['awaiting_input', 'PAUSED'],
    ['succeeded', 'COMPLETE'],
    ['failed', 'EXECUTOR_ERROR'],
    ['cancelled', 'CANCELED'],
  ];
  test.each(plain)('%s is %s', (state, wes) => {
    expect(toWesState({ state, canceling: false })).toBe(wes);
  });
  test('a system error is SYSTEM_ERROR; timed out is an executor error', () => {
    expect(toWesState({ state: 'failed', canceling: false, failureReason: 'system_error' })).toBe('SYSTEM_ERROR');
    expect(toWesState({ state: 'failed', canceling: false, failureReason: 'timed_out' })).toBe('EXECUTOR_ERROR');
  });
  test('a pending cancel shows as CANCELING until the run ends', () => {
    expect(toWesState({ state: 'running', canceling: true })).toBe('CANCELING');
    expect(toWesState({ state: 'awaiting_input', canceling: true })).toBe('CANCELING');
    expect(toWesState({ state: 'cancelled', canceling: true })).toBe('CANCELED');
    expect(toWesState({ state: 'succeeded', canceling: true })).toBe('COMPLETE');
  });
  test('a preempted running run is PREEMPTED', () => {
    expect(toWesState({ state: 'running', canceling: false, preempted: true })).toBe('PREEMPTED');
  });
  test('a run its provider holds queued is QUEUED, unless a cancel is pending', () => {
    expect(toWesState({ state: 'running', canceling: false, queued: true })).toBe('QUEUED');
    expect(toWesState({ state: 'running', canceling: true, queued: true })).toBe('CANCELING');
  });
  test('a ledger is queued while its last transition is a `queue`, derived from the log alone', () => {
    const ledger = ledgerIn('starting');
    ledger.transition('step', { external_id: 'x' });
    ledger.transition('queue', { provider_state: 'QUEUED' });
    expect(ledger).toMatchObject({ state: 'running', queued: true, wesState: 'QUEUED' });
    expect(new RunLedger('run-x', ledger.carryOver())).toMatchObject({ queued: true, wesState: 'QUEUED' });
    ledger.transition('step', { provider_state: 'RUNNING' });
    expect(ledger).toMatchObject({ state: 'running', queued: false, wesState: 'RUNNING' });
    // A provider's QUEUED recorded as a `step` (runs before the `queue` type) still shows RUNNING.
    ledger.transition('step', { provider_state: 'QUEUED' });
    expect(ledger.wesState).toBe('RUNNING');
  });
  test("each transition's WES state (wesStateAfter) is the one the ledger shows right after it", () => {
    for (const reason of FAILURE_REASONS) {
      const ledger = ledgerIn('starting');
      const seen = [ledger.transition('step'), ledger.transition('queue'), ledger.transition('wait'), ledger.transition('resume')];
      const failed = ledger.fail(reason, 'broke');
      expect(wesStateAfter(failed)).toBe(ledger.wesState);
      expect([...seen, failed].map(wesStateAfter)).toEqual([
        'RUNNING',
        'QUEUED',
        'PAUSED',
        'RUNNING',
        reason === 'system_error' ? 'SYSTEM_ERROR' : 'EXECUTOR_ERROR',
      ]);
    }
    const done = ledgerIn('running');
    expect(wesStateAfter(done.transition('finish'))).toBe('COMPLETE');
  });
});

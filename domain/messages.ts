/**
 * The messages of the run workflow, defined once and used by both sides: the workflow sets the
 * handlers, the API and tests send them with the same typed definitions.
 *
 * A run is cancelled through Temporal itself (the API, the Web UI and `temporal workflow cancel`
 * alike), so that its workflow closes as Canceled; there is no cancel signal.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ResumeInput, RunSnapshot } from './run-types';

/**
 * Resume a run waiting in `awaiting_input`. As a signal it can be sent from the Temporal UI or CLI;
 * when the run is not waiting, the signal is ignored.
 */
export const resumeSignal = defineSignal<[input?: ResumeInput]>('resume');

/**
 * The same resume, as an update: the caller learns at once whether the run accepted it
 * (the validator rejects a run that is not waiting), which is what the API's 409 needs.
 */
export const resumeUpdate = defineUpdate<RunSnapshot, [input: ResumeInput]>('resumeRun');

export const snapshotQuery = defineQuery<RunSnapshot>('snapshot');

/** The type of the error a rejected resume update fails with. */
export const NOT_AWAITING_INPUT = 'NotAwaitingInput';
/** A task's gate refused the resume input: it does not satisfy the gate's schema. */
export const INVALID_RESUME_INPUT = 'InvalidResumeInput';

/** The error type a failed run's workflow fails with; its details hold the run's final snapshot. */
export const RUN_FAILED = 'RunFailed';
/** The error type of a run its provider cancelled without being asked (Temporal never asked it). */
export const RUN_CANCELLED_BY_PROVIDER = 'RunCancelledByProvider';

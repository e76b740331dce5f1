/**
 * The messages of the run workflow, defined once and used by both sides: the workflow sets the
 * handlers, the API and tests send them with the same typed definitions.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ResumeInput, RunSnapshot } from './run-types';

/** Ask the run to stop. Always accepted; a second cancel, or one after the end, changes nothing. */
export const cancelSignal = defineSignal<[reason?: string]>('cancel');

/**
 * Resume a run waiting in `awaiting_input`. As a signal it can be sent from the Temporal UI or CLI;
 * when the run is not waiting, the signal is ignored.
 */
export const resumeSignal = defineSignal<[input: ResumeInput]>('resume');

/**
 * The same resume, as an update: the caller learns at once whether the run accepted it
 * (the validator rejects a run that is not waiting), which is what the API's 409 needs.
 */
export const resumeUpdate = defineUpdate<RunSnapshot, [input: ResumeInput]>('resumeRun');

export const snapshotQuery = defineQuery<RunSnapshot>('snapshot');

/** The type of the error a rejected resume update fails with. */
export const NOT_AWAITING_INPUT = 'NotAwaitingInput';

/**
 * How the run workflow reads an activity's failure: the message of its innermost cause, and
 * whether the request (`executor_error`) or the system (`system_error`) is to blame. Errors are
 * classified once, where activities call providers (activities/run-activities.ts).
 */
import { ApplicationFailure } from '@temporalio/workflow';
import type { FailureReason } from '../domain/state-machine';

/** The reason a failed activity gives, without Temporal's wrapping. */
export function failureMessage(err: unknown): string {
  let cause: unknown = err;
  while (cause instanceof Error && cause.cause instanceof Error) cause = cause.cause;
  return cause instanceof Error ? cause.message : String(err);
}

export function failureReasonOf(err: unknown): FailureReason {
  let cause: unknown = err;
  while (cause instanceof Error && !(cause instanceof ApplicationFailure) && cause.cause) cause = cause.cause;
  return cause instanceof ApplicationFailure && cause.type === 'InvalidRunRequest' ? 'executor_error' : 'system_error';
}

/**
 * Why a step did not complete, as the task reads it: the WES state its row ends in, the reason a
 * task that fails of it gives, and what went wrong. A failed child run says all three itself, in
 * the final snapshot its failure carries.
 */
import { ApplicationFailure, ChildWorkflowFailure } from '@temporalio/workflow';
import { failureMessage } from '../failures';
import { RUN_CANCELLED_BY_PROVIDER, RUN_FAILED } from '../../domain/messages';
import type { RunSnapshot } from '../../domain/run-types';
import type { FailureReason } from '../../domain/state-machine';
import type { WesState } from '../../domain/wes-state';

export class StepFailed extends Error {
  constructor(
    readonly stepId: string,
    readonly wesState: WesState,
    readonly reason: FailureReason,
    message: string,
  ) {
    super(`step ${stepId}: ${message}`);
    this.name = 'StepFailed';
  }
}

/** A child run's failure (or anything else a run step threw) as the step's failure. */
export function childFailure(stepId: string, childId: string, err: unknown): StepFailed {
  const cause = err instanceof ChildWorkflowFailure ? err.cause : undefined;
  if (cause instanceof ApplicationFailure && (cause.type === RUN_FAILED || cause.type === RUN_CANCELLED_BY_PROVIDER)) {
    const snapshot = cause.details?.[0] as RunSnapshot | undefined;
    const wesState = snapshot?.wesState ?? 'SYSTEM_ERROR';
    return new StepFailed(
      stepId,
      wesState,
      snapshot?.failureReason ?? 'executor_error',
      `run ${childId} ended ${wesState}${snapshot?.error ? `: ${snapshot.error}` : ''}`,
    );
  }
  return new StepFailed(stepId, 'SYSTEM_ERROR', 'system_error', `run ${childId}: ${failureMessage(err)}`);
}

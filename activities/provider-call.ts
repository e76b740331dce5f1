/**
 * The boundary between activities and providers: every provider operation goes through here, is
 * timed for the worker's metrics, and has its failure classified for Temporal's retry policy.
 */
import { ApplicationFailure, CancelledFailure } from '@temporalio/activity';
import { errorMessage, FAILURE_TYPES, InvalidRunRequestError, ProviderRejectedError } from './errors';
import type { ProviderRegistry } from './providers/provider-registry';
import type { ProviderCallOutcome, WorkerMetrics } from './worker-metrics';

export type CallProvider = <T>(provider: string, operation: string, call: () => Promise<T> | T) => Promise<T>;

function outcomeOf(err: unknown): ProviderCallOutcome {
  if (err instanceof CancelledFailure) return 'cancelled';
  if (err instanceof InvalidRunRequestError) return 'invalid_request';
  if (err instanceof ProviderRejectedError) return 'rejected';
  return 'unavailable';
}

/**
 * Runs a provider operation and classifies its failure: a rejection or an invalid request is
 * final, anything else is a connection error to retry. The message names the provider and the
 * operation, so that a failed run says who failed and why.
 */
export function providerCaller(registry: ProviderRegistry, metrics: WorkerMetrics): CallProvider {
  // A name the registry does not know is itself a request to classify (an invalid one), not a crash.
  const kindOf = (provider: string) => (registry.names().includes(provider) ? registry.get(provider).kind : 'unknown');
  return async (provider, operation, call) => {
    const timer = metrics.providerCalls.startTimer({ provider_kind: kindOf(provider), operation });
    try {
      const result = await call();
      timer({ outcome: 'ok' });
      return result;
    } catch (err) {
      const outcome = outcomeOf(err);
      timer({ outcome });
      if (outcome === 'cancelled') throw err;
      const message = `provider '${provider}' ${operation}: ${errorMessage(err)}`;
      if (outcome === 'invalid_request') throw ApplicationFailure.nonRetryable(message, FAILURE_TYPES.invalidRequest);
      if (outcome === 'rejected') throw ApplicationFailure.nonRetryable(message, FAILURE_TYPES.rejected);
      throw ApplicationFailure.retryable(message, FAILURE_TYPES.unavailable);
    }
  };
}

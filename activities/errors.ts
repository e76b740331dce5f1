/**
 * Errors with a meaning for the run lifecycle. Anything else a provider throws is taken for a
 * connection error: retried with backoff, then the run fails as `system_error`.
 */

/** The backend's API refused the request: retrying cannot help. */
export class ProviderRejectedError extends Error {
  override name = 'ProviderRejectedError';
}

/** The run's request cannot be run as given (unknown provider, unsupported workflow type, ...). */
export class InvalidRunRequestError extends Error {
  override name = 'InvalidRunRequestError';
}

/** Failure types the workflow sees (ApplicationFailure.type). */
export const FAILURE_TYPES = {
  rejected: 'ProviderRejected',
  unavailable: 'ProviderUnavailable',
  invalidRequest: 'InvalidRunRequest',
} as const;

/** What went wrong, for a message: an Error's message, or whatever else was thrown. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

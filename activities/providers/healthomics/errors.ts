/**
 * The one place that decides what an AWS error means for the run: a ProviderRejectedError when
 * HealthOmics' API refused the request, a plain (retried) Error for throttling, AWS internal errors,
 * timeouts, network and credential-lookup failures, and anything not recognised.
 */
import { InvalidRunRequestError, ProviderRejectedError } from '../../errors';

/** AWS errors that mean the API refused the request: retrying the same call cannot help. */
const REJECTED_ERRORS = new Set([
  'ValidationException',
  'AccessDeniedException',
  'ResourceNotFoundException',
  'ConflictException',
  'ServiceQuotaExceededException',
  'NotSupportedOperationException',
]);

/** The name of an AWS service error (`ValidationException`, ...), or of any other error. */
export function errorName(err: unknown): string | undefined {
  const name = (err as { name?: unknown } | null | undefined)?.name;
  return typeof name === 'string' ? name : undefined;
}

export function classifyOmicsError(err: unknown, operation: string): Error {
  if (err instanceof ProviderRejectedError || err instanceof InvalidRunRequestError) return err;
  const name = errorName(err);
  const message = err instanceof Error ? err.message : String(err);
  if (name !== undefined && REJECTED_ERRORS.has(name)) {
    return new ProviderRejectedError(`HealthOmics ${operation} refused with AWS ${name}: ${message}`, { cause: err });
  }
  const what = name && name !== 'Error' ? `${name}: ${message}` : message;
  return new Error(`HealthOmics ${operation} failed (retryable): ${what}`, { cause: err });
}

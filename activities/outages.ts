/**
 * Recognises errors that mean "a service we depend on cannot be reached right now", as opposed to
 * bugs: the API answers the first with 503 and the second with 500, and the worker keeps a
 * read-model write for later only when the database is away (activities/projection-spool.ts).
 * Outages are Temporal's gRPC status codes, PostgreSQL's connection SQLSTATEs, and the socket
 * errors beneath both, wherever they sit in the cause chain.
 */
import { isGrpcServiceError, ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';

/** UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED: the server is down, slow or shedding load. */
const GRPC_UNAVAILABLE = new Set([14, 4, 8]);
/** Class 08 is "connection exception"; the others: shutting down, starting up, too many clients. */
const SQLSTATE_UNAVAILABLE = /^(08...|57P0[123]|53300)$/;
const SOCKET_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);
/** node-postgres reports a lost or timed-out connection by message only. */
const PG_CONNECTION_MESSAGES = /^(Connection terminated|timeout exceeded when trying to connect)/;

export type Dependency = 'Temporal' | 'the database';

/** Which dependency is unavailable, or undefined if the error is not an outage. */
export function unavailableDependency(err: unknown): Dependency | undefined {
  const chain = [...causeChain(err)];
  if (!chain.some(isOutage)) return undefined;
  const fromTemporal = chain.some(
    (cause) => cause instanceof ServiceError || cause instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isGrpcServiceError(cause),
  );
  return fromTemporal ? 'Temporal' : 'the database';
}

function isOutage(cause: unknown): boolean {
  if (cause instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  if (isGrpcServiceError(cause)) return GRPC_UNAVAILABLE.has(cause.code);
  const code = (cause as { code?: unknown }).code;
  if (typeof code === 'string' && (SQLSTATE_UNAVAILABLE.test(code) || SOCKET_ERRORS.has(code))) return true;
  return cause instanceof Error && PG_CONNECTION_MESSAGES.test(cause.message);
}

/** The error, its causes, TypeORM's driverError and an AggregateError's errors, depth first. */
function* causeChain(err: unknown, depth = 0): Generator {
  if (err === null || err === undefined || depth > 8) return;
  yield err;
  if (typeof err !== 'object') return;
  const { cause, driverError, errors } = err as { cause?: unknown; driverError?: unknown; errors?: unknown };
  yield* causeChain(cause, depth + 1);
  yield* causeChain(driverError, depth + 1);
  if (Array.isArray(errors)) for (const inner of errors) yield* causeChain(inner, depth + 1);
}

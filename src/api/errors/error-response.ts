/**
 * Every error as a WES `ErrorResponse` ({msg, status_code}). Client mistakes are 4xx with a
 * message that says what to fix; outages of Temporal or the database are 503; only a bug is 500.
 */
import { HttpException, HttpStatus } from '@nestjs/common';
import { InvalidRunRequestError } from '../../../activities/errors';
import { InvalidPageTokenError } from '../../../read-model/run-store';
import { TaskDefinitionError } from '../../task-definitions/task-definition-error';
import { unavailableDependency } from '../../../activities/outages';

export interface ErrorResponse {
  msg: string;
  status_code: number;
}

export function toErrorResponse(err: unknown): ErrorResponse {
  if (err instanceof HttpException) return fromHttpException(err);
  if (err instanceof InvalidRunRequestError) return { msg: err.message, status_code: HttpStatus.BAD_REQUEST };
  if (err instanceof InvalidPageTokenError || err instanceof TaskDefinitionError)
    return { msg: err.message, status_code: HttpStatus.BAD_REQUEST };
  const dependency = unavailableDependency(err);
  // The cause (addresses, driver messages) is logged, not shown.
  if (dependency) return { msg: `${dependency} is unavailable; try again later`, status_code: HttpStatus.SERVICE_UNAVAILABLE };
  return { msg: 'internal server error', status_code: HttpStatus.INTERNAL_SERVER_ERROR };
}

/** Nest's exceptions, and Fastify's own errors of a request (a malformed body or URL), which Nest makes HttpExceptions. */
function fromHttpException(err: HttpException): ErrorResponse {
  const body = err.getResponse();
  const message = typeof body === 'string' ? body : (body as { message?: unknown }).message;
  // Nest's exceptions say a string, or a list of them (its validation pipe); anything else, Nest's own summary of the exception.
  const msg = typeof message === 'string' ? message : Array.isArray(message) ? message.join('; ') : err.message;
  return { msg, status_code: clientStatus(err.getStatus()) };
}

/**
 * WES answers malformed requests with 400 and lists no 415: a body of a type we do not take is a
 * malformed request to WES clients. A body too large is a 413, which our document lists: unlike a
 * malformed one, it may be fine elsewhere (docs/deployment.md, "Limits").
 */
function clientStatus(status: number): number {
  return status === (HttpStatus.UNSUPPORTED_MEDIA_TYPE as number) ? HttpStatus.BAD_REQUEST : status;
}

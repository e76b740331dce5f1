import { Catch, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { toErrorResponse } from './error-response';

/** Catches everything, so that no error leaves the API in any shape but ErrorResponse. */
@Catch()
export class ErrorResponseFilter implements ExceptionFilter {
  private readonly logger = new Logger('WES API');

  catch(exception: unknown, host: ArgumentsHost): void {
    const error = toErrorResponse(exception);
    const status = error.status_code;
    // ErrorResponse's status_code is a plain number (WES's schema): the enum is read as one.
    if (status === (HttpStatus.INTERNAL_SERVER_ERROR as number))
      this.logger.error(String(exception), exception instanceof Error ? exception.stack : undefined);
    else if (status === (HttpStatus.SERVICE_UNAVAILABLE as number)) this.logger.warn(`${error.msg}: ${String(exception)}`);
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    // A failure after the answer began (a broken stream, a live stream that took over Node's
    // response) can only be logged.
    if (!reply.sent && !reply.raw.headersSent) void reply.code(error.status_code).send(error);
  }
}

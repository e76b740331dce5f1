/**
 * What no other route took: a path of the API's document with a method it does not have is a 405
 * with an Allow header (documented as the MethodNotAllowed response); anything else is a 404.
 */
import { All, Controller, HttpException, HttpStatus, Inject, NotFoundException, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { Public } from '../auth/bearer-auth.guard';
import { requestPath } from '../core/base-url';
import { REQUEST_VALIDATOR } from '../core/tokens';
import type { RequestValidator } from '../validation/request-validator';

/** Fastify's wildcard: every path, under any prefix. */
const CATCH_ALL = '*';

/** The 404 or 405 (with its Allow header, on `reply`) of a request no route took. */
function unmatched(validator: RequestValidator, request: FastifyRequest, reply: FastifyReply): HttpException {
  const path = requestPath(request);
  const methods = validator.methodsOf(path);
  if (!methods) return new NotFoundException(`Cannot ${request.method} ${path}`);
  reply.header('Allow', methods.join(', '));
  return new HttpException(`${path} does not take ${request.method}, only ${methods.join(', ')}`, HttpStatus.METHOD_NOT_ALLOWED);
}

/**
 * An onRequest hook (../app.ts) for QUERY, which Fastify refuses without a Content-Type (RFC 10008)
 * before any handler runs, the catch-all's or its not-found handler's: no route of ours takes QUERY,
 * so it is answered as any other method a path does not have, before Fastify looks at its body.
 */
export function unmatchedQuery(validator: RequestValidator): onRequestHookHandler {
  return (request, reply, done) => {
    if (request.method === 'QUERY') done(unmatched(validator, request, reply));
    else done();
  };
}

@Controller()
export class UnmatchedRouteController {
  constructor(@Inject(REQUEST_VALIDATOR) private readonly validator: RequestValidator) {}

  /** Public: no token makes a route exist. */
  @Public()
  @All(CATCH_ALL)
  unmatched(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): never {
    throw unmatched(this.validator, request, reply);
  }
}

/**
 * What no other route took: a path of the API's document with a method it does not have is a 405
 * with an Allow header (documented as the MethodNotAllowed response); anything else is a 404.
 */
import { All, Controller, HttpException, HttpStatus, Inject, NotFoundException, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/bearer-auth.guard';
import { requestPath } from '../core/base-url';
import { REQUEST_VALIDATOR } from '../core/tokens';
import type { RequestValidator } from '../validation/request-validator';

@Controller()
export class UnmatchedRouteController {
  constructor(@Inject(REQUEST_VALIDATOR) private readonly validator: RequestValidator) {}

  /** Public: no token makes a route exist. */
  @Public()
  // Fastify's wildcard: every path, under any prefix.
  @All('*')
  unmatched(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): never {
    const path = requestPath(request);
    const methods = this.validator.methodsOf(path);
    if (!methods) throw new NotFoundException(`Cannot ${request.method} ${path}`);
    reply.header('Allow', methods.join(', '));
    throw new HttpException(`${path} does not take ${request.method}, only ${methods.join(', ')}`, HttpStatus.METHOD_NOT_ALLOWED);
  }
}

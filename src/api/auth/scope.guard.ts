/**
 * Authorization: a route's caller must be known (401 otherwise, saying why its credentials were
 * refused) and carry the scope the route requires (403 otherwise, naming the scope). Answers as
 * RFC 6750 says, with a WWW-Authenticate header.
 */
import { ForbiddenException, Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { authEnabled } from '../../config/auth-config';
import type { Config } from '../../config/config';
import { CONFIG } from '../core/tokens';
import { isPublic } from './bearer-auth.guard';
import { hasScope, type AuthenticatedRequest } from './caller';
import { requiredScope } from './require-scope.decorator';

/** RFC 6750's quoted-string: printable ASCII, no quote or backslash inside. */
const quoted = (text: string) => `"${text.replace(/[^\x20-\x7e]|["\\]/g, "'")}"`;

@Injectable()
export class ScopeGuard implements CanActivate {
  private readonly enabled: boolean;

  constructor(
    @Inject(CONFIG) config: Config,
    private readonly reflector: Reflector,
  ) {
    this.enabled = authEnabled(config);
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.enabled || isPublic(this.reflector, context)) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { caller, authFailure } = request;
    if (!caller) {
      const details = authFailure?.error ? `, error=${quoted(authFailure.error)}, error_description=${quoted(authFailure.message)}` : '';
      reply.header('WWW-Authenticate', `Bearer realm="durable-wes"${details}`);
      throw new UnauthorizedException(authFailure?.message ?? 'a bearer token is required');
    }
    const scope = requiredScope(this.reflector, context) ?? 'admin';
    if (!hasScope(caller, scope)) {
      reply.header('WWW-Authenticate', `Bearer realm="durable-wes", error="insufficient_scope", scope=${quoted(scope)}`);
      throw new ForbiddenException(`this needs the scope ${scope}, which the token does not carry`);
    }
    return true;
  }
}

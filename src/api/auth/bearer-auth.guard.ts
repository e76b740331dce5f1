/**
 * Authentication: who a request comes from, from its bearer token, an API key (WES_API_KEYS) or
 * a JWT (WES_JWT_*). It refuses nothing itself: it puts the caller, or why its credentials were
 * refused, on the request; the rate limit then counts per caller, and ScopeGuard answers 401/403.
 */
import { Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { authEnabled } from '../../config/auth-config';
import type { Config } from '../../config/config';
import { CONFIG } from '../core/tokens';
import { ApiKeys } from './api-keys';
import type { AuthenticatedRequest, Caller } from './caller';
import { InvalidTokenError, JwtVerifier, looksLikeJwt } from './jwt-verifier';

const PUBLIC = 'durable-wes:public';

/** Marks a route (or controller) anyone may call, with or without credentials: e.g. service-info, which tells a caller how to authenticate. */
export const Public = () => SetMetadata(PUBLIC, true);

export const isPublic = (reflector: Reflector, context: ExecutionContext) =>
  reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()]);

@Injectable()
export class BearerAuthGuard implements CanActivate {
  private readonly enabled: boolean;
  private readonly apiKeys: ApiKeys;
  private readonly jwt?: JwtVerifier;

  constructor(
    @Inject(CONFIG) config: Config,
    private readonly reflector: Reflector,
  ) {
    this.enabled = authEnabled(config);
    this.apiKeys = new ApiKeys(config.auth.apiKeys);
    this.jwt = config.auth.jwt && new JwtVerifier(config.auth.jwt);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.enabled || isPublic(this.reflector, context)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    if (header === undefined) return true;
    const token = /^Bearer +(\S+) *$/i.exec(header)?.[1];
    if (token === undefined) {
      request.authFailure = { message: 'the Authorization header is not "Bearer <token>"', error: 'invalid_request' };
      return true;
    }
    try {
      request.caller = await this.callerOf(token);
    } catch (err) {
      if (!(err instanceof InvalidTokenError)) throw err;
      request.authFailure = { message: err.message, error: 'invalid_token' };
    }
    return true;
  }

  private async callerOf(token: string): Promise<Caller> {
    const caller = this.apiKeys.callerOf(token);
    if (caller) return caller;
    if (this.jwt && looksLikeJwt(token)) return this.jwt.callerOf(token);
    throw new InvalidTokenError('unknown bearer token');
  }
}

/**
 * Bearer-token auth, on when WES_AUTH_TOKENS names any token. A token stands for its owner: the
 * owner is put on the request for the handlers, and runs are the owner's alone.
 */
import {
  Inject,
  Injectable,
  SetMetadata,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Config } from '../../config';
import { CONFIG } from '../core/tokens';

const PUBLIC = 'durable-wes:public';

/** Marks a route anyone may call: service-info must tell a caller how to authenticate. */
export const Public = () => SetMetadata(PUBLIC, true);

export interface AuthenticatedRequest extends Request {
  owner?: string;
}

const digest = (token: string) => createHash('sha256').update(token).digest();

@Injectable()
export class BearerAuthGuard implements CanActivate {
  private readonly owners: Array<{ digest: Buffer; owner: string }>;

  constructor(
    @Inject(CONFIG) config: Config,
    private readonly reflector: Reflector,
  ) {
    this.owners = [...config.authTokens].map(([token, owner]) => ({ digest: digest(token), owner }));
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.owners.length === 0) return true;
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const token = /^Bearer\s+(\S+)\s*$/i.exec(request.get('authorization') ?? '')?.[1];
    const owner = token === undefined ? undefined : this.ownerOf(token);
    if (owner === undefined) {
      http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="durable-wes"');
      throw new UnauthorizedException(token === undefined ? 'a bearer token is required' : 'unknown bearer token');
    }
    request.owner = owner;
    return true;
  }

  /** Compares against every token in constant time, so timing tells nothing of a near miss. */
  private ownerOf(token: string): string | undefined {
    const given = digest(token);
    let found: string | undefined;
    for (const { digest: known, owner } of this.owners) if (timingSafeEqual(given, known)) found = owner;
    return found;
  }
}

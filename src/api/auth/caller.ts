import type { FastifyRequest } from 'fastify';
import type { Scope } from '../../config/auth-config';

/** Who made a request, once authenticated: the owner it acts as and what it may do. */
export interface Caller {
  owner: string;
  scopes: readonly Scope[];
}

export interface AuthenticatedRequest extends FastifyRequest {
  /** Set when the request carried valid credentials (auth on). */
  caller?: Caller;
  /** Why the credentials it carried were refused; the scope guard answers with it where a route needs them. */
  authFailure?: AuthFailure;
}

export interface AuthFailure {
  message: string;
  /** RFC 6750's error code: absent when no credentials were sent. */
  error?: 'invalid_token' | 'invalid_request';
}

/** admin may do everything, on every run. */
export const hasScope = (caller: Caller, scope: Scope) => caller.scopes.includes(scope) || caller.scopes.includes('admin');

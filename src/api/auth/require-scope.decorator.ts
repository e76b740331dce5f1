import { SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { Scope } from '../../config/auth-config';

const SCOPE = 'durable-wes:scope';

/** The scope a route needs (docs/deployment.md, "Security"); a route that says none needs admin, so that a forgotten one is closed. */
export const RequireScope = (scope: Scope) => SetMetadata(SCOPE, scope);

/** The scope the route declares; ScopeGuard takes none for admin. */
export const requiredScope = (reflector: Reflector, context: ExecutionContext): Scope | undefined =>
  reflector.getAllAndOverride<Scope | undefined>(SCOPE, [context.getHandler(), context.getClass()]);

/**
 * The rate limit (WES_RATE_LIMIT): one budget per caller across all routes, keyed by the
 * authenticated owner, else by the client's IP. Runs after BearerAuthGuard, so that it knows the
 * owner, and before ScopeGuard, so that unauthenticated requests are counted too.
 */
import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { AuthenticatedRequest } from './caller';

@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async getTracker(request: AuthenticatedRequest): Promise<string> {
    return request.caller ? `owner ${request.caller.owner}` : `ip ${await super.getTracker(request)}`;
  }

  protected override generateKey(_context: ExecutionContext, tracker: string): string {
    return tracker;
  }
}

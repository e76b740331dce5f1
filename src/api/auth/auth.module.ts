import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import type { Config } from '../../config/config';
import { BearerAuthGuard } from './bearer-auth.guard';
import { RateLimitGuard } from './rate-limit.guard';
import { ScopeGuard } from './scope.guard';

/** The global guards, in the order they run: who is calling, how often, and may they. */
@Module({})
export class AuthModule {
  static forRoot({ rateLimit }: Config): DynamicModule {
    const rateLimited = rateLimit
      ? {
          imports: [
            ThrottlerModule.forRoot({
              throttlers: [{ limit: rateLimit.limit, ttl: rateLimit.windowMs }],
              errorMessage: (_context, { limit, ttl, timeToBlockExpire }) =>
                `too many requests: at most ${limit} in ${ttl / 1000} s per caller (WES_RATE_LIMIT); retry after ${timeToBlockExpire} s`,
            }),
          ],
          guards: [RateLimitGuard],
        }
      : { imports: [], guards: [] };
    return {
      module: AuthModule,
      imports: rateLimited.imports,
      providers: [BearerAuthGuard, ...rateLimited.guards, ScopeGuard].map((guard) => ({ provide: APP_GUARD, useClass: guard })),
    };
  }
}

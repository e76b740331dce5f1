import { Module } from '@nestjs/common';
import { UnmatchedRouteController } from './unmatched-route.controller';

/** Its catch-all route must be registered after every other: import it last. */
@Module({ controllers: [UnmatchedRouteController] })
export class UnmatchedRouteModule {}

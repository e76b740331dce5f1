import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { AuthModule } from './auth/auth.module';
import { CodecModule } from './codec/codec.module';
import { CoreModule, type CoreDependencies } from './core/core.module';
import { HealthModule } from './health/health.module';
import { RequestLoggingModule } from './logging/request-logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { LogsModule } from './logs/logs.module';
import { OutputsModule } from './outputs/outputs.module';
import { UnmatchedRouteModule } from './routing/unmatched-route.module';
import { RoCrateModule } from './ro-crate/ro-crate.module';
import { RunsModule } from './runs/runs.module';
import { ServiceInfoModule } from './service-info/service-info.module';
import { TaskSchemaModule } from './task-schema/task-schema.module';
import { TasksModule } from './tasks/tasks.module';
import { TemporalModule } from './temporal/temporal.module';
import { TransitionsModule } from './transitions/transitions.module';

/** One module per API resource; the core and Temporal modules are global to them. */
@Module({})
export class AppModule {
  /** `logger`: the API's pino logger (src/logging/create-logger.ts); without it, Nest's own. */
  static forRoot(dependencies: CoreDependencies, logger?: Logger): DynamicModule {
    return {
      module: AppModule,
      // The catch-all of UnmatchedRouteModule must come after every other route: last.
      imports: [
        CoreModule.forRoot(dependencies),
        AuthModule.forRoot(dependencies.config),
        TemporalModule,
        ServiceInfoModule,
        TaskSchemaModule,
        RunsModule,
        TasksModule,
        TransitionsModule,
        LogsModule,
        OutputsModule,
        RoCrateModule,
        HealthModule,
        CodecModule,
        MetricsModule,
        RequestLoggingModule.forRoot(logger),
        UnmatchedRouteModule,
      ],
    };
  }
}

import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import type { Config } from '../../config/config';
import { CONFIG, REQUEST_VALIDATOR } from '../core/tokens';
import type { RequestValidator } from '../validation/request-validator';
import { OutputsModule } from '../outputs/outputs.module';
import { TasksModule } from '../tasks/tasks.module';
import { UploadLimitErrors, attachmentUploadOptions } from './attachment-upload';
import { RunControl } from './run-control.service';
import { RunCreation } from './run-creation.service';
import { RunsController } from './runs.controller';
import { TaskReading } from './task-reading.service';
import { WaitingGates } from './waiting-gate';

@Module({
  imports: [
    OutputsModule,
    TasksModule,
    MulterModule.registerAsync({
      inject: [CONFIG, REQUEST_VALIDATOR],
      useFactory: (config: Config, validator: RequestValidator) => attachmentUploadOptions(config, validator.formFields('POST', '/runs')),
    }),
  ],
  controllers: [RunsController],
  providers: [RunCreation, RunControl, WaitingGates, TaskReading, UploadLimitErrors],
})
export class RunsModule {}

import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import type { Config } from '../../config';
import { CONFIG } from '../core/tokens';
import { OutputsModule } from '../outputs/outputs.module';
import { UploadLimitErrors, attachmentUploadOptions } from './attachment-upload';
import { RunControl } from './run-control.service';
import { RunCreation } from './run-creation.service';
import { RunsController } from './runs.controller';

@Module({
  imports: [OutputsModule, MulterModule.registerAsync({ inject: [CONFIG], useFactory: (config: Config) => attachmentUploadOptions(config) })],
  controllers: [RunsController],
  providers: [RunCreation, RunControl, UploadLimitErrors],
})
export class RunsModule {}

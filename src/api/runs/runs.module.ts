import { Module } from '@nestjs/common';
import { OutputsModule } from '../outputs/outputs.module';
import { TasksModule } from '../tasks/tasks.module';
import { AttachmentUpload } from './attachment-upload';
import { RunControl } from './run-control.service';
import { RunCreation } from './run-creation.service';
import { RunsController } from './runs.controller';
import { TaskReading } from './task-reading.service';
import { WaitingGates } from './waiting-gate';

@Module({
  imports: [OutputsModule, TasksModule],
  controllers: [RunsController],
  providers: [RunCreation, RunControl, WaitingGates, TaskReading, AttachmentUpload],
})
export class RunsModule {}

import { Module } from '@nestjs/common';
import { TaskDefinitions } from './task-definitions.service';
import { TaskLogs } from './task-logs.service';
import { TasksController } from './tasks.controller';

@Module({ controllers: [TasksController], providers: [TaskDefinitions, TaskLogs], exports: [TaskDefinitions] })
export class TasksModule {}

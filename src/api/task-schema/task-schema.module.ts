import { Module } from '@nestjs/common';
import { TaskSchemaController } from './task-schema.controller';

@Module({ controllers: [TaskSchemaController] })
export class TaskSchemaModule {}

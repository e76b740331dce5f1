/** GET /task-schema: the JSON Schema of the DWES-TASK format (docs/tasks.md), named in service-info. */
import { Controller, Get } from '@nestjs/common';
import { Public } from '../auth/bearer-auth.guard';
import { TASK_SCHEMA } from '../../task-definitions/task-schema';

export const TASK_SCHEMA_PATH = 'task-schema';

@Controller(TASK_SCHEMA_PATH)
export class TaskSchemaController {
  /** Public, like service-info: it says what may be submitted. */
  @Public()
  @Get()
  get(): Readonly<Record<string, unknown>> {
    return TASK_SCHEMA;
  }
}

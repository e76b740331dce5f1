/**
 * WES task logs. A run is one step on one provider and has no tasks of its own yet, so every run
 * lists none; the multi-step tasks of docs/design.md, "What is not done yet", will fill this in.
 */
import { BadRequestException, Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { Owner } from '../auth/owner.decorator';
import { parsePageSize, parsePageToken } from '../core/pagination';
import { RunAccess } from '../core/run-access';

@Controller('runs/:run_id/tasks')
export class TasksController {
  constructor(private readonly access: RunAccess) {}

  @Get()
  async list(
    @Param('run_id') runId: string,
    @Query() query: Record<string, unknown>,
    @Owner() owner?: string,
  ): Promise<{ task_logs: never[]; next_page_token: string }> {
    parsePageSize(query.page_size);
    // With no tasks there is no second page: any token is one we never issued.
    if (parsePageToken(query.page_token) !== undefined) throw new BadRequestException('invalid page_token');
    await this.access.visibleRun(runId, owner);
    return { task_logs: [], next_page_token: '' };
  }

  @Get(':task_id')
  async get(@Param('run_id') runId: string, @Param('task_id') taskId: string, @Owner() owner?: string): Promise<never> {
    await this.access.visibleRun(runId, owner);
    throw new NotFoundException(`run ${runId} has no task ${taskId}`);
  }
}

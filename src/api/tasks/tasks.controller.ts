/**
 * WES task logs. A run is one step on one provider and has no tasks of its own yet, so every run
 * lists none; the multi-step tasks of docs/design.md, "What is not done yet", will fill this in.
 */
import { BadRequestException, Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { Owner } from '../auth/owner.decorator';
import type { PageQuery } from '../core/pagination';
import { RunAccess } from '../core/run-access';
import type { ValidatedRequest } from '../validation/request-validator';
import { ValidRequest } from '../validation/valid-request.decorator';

@Controller('runs/:run_id/tasks')
export class TasksController {
  constructor(private readonly access: RunAccess) {}

  @Get()
  async list(@ValidRequest() { path, query }: ValidatedRequest<PageQuery>, @Owner() owner?: string): Promise<{ task_logs: never[]; next_page_token: string }> {
    // With no tasks there is no second page: any token is one we never issued.
    if (query.page_token) throw new BadRequestException('invalid page_token');
    await this.access.visibleRun(path.run_id, owner);
    return { task_logs: [], next_page_token: '' };
  }

  @Get(':task_id')
  async get(@Param('run_id') runId: string, @Param('task_id') taskId: string, @Owner() owner?: string): Promise<never> {
    await this.access.visibleRun(runId, owner);
    throw new NotFoundException(`run ${runId} has no task ${taskId}`);
  }
}

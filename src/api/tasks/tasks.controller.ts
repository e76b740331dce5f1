/**
 * WES task logs: a run's tasks as the read model holds them (docs/design.md, "Tasks"), the jobs
 * its engine reported or a task run's steps (TaskLogs), paged like the runs.
 */
import { Controller, Get, Inject, NotFoundException, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { RunStore } from '../../../read-model/run-store';
import type { Caller } from '../auth/caller';
import { RequestCaller } from '../auth/request-caller.decorator';
import { RequireScope } from '../auth/require-scope.decorator';
import type { PageQuery } from '../core/pagination';
import { RunAccess } from '../core/run-access';
import { RUN_STORE } from '../core/tokens';
import type { ValidatedRequest } from '../validation/request-validator';
import { ValidRequest } from '../validation/valid-request.decorator';
import { apiBaseUrl } from '../core/base-url';
import { TaskLogs } from './task-logs.service';
import type { TaskListView, TaskLogView } from './task-views';

@RequireScope('runs:read')
@Controller('runs/:run_id/tasks')
export class TasksController {
  constructor(
    @Inject(RUN_STORE) private readonly runStore: RunStore,
    private readonly access: RunAccess,
    private readonly logs: TaskLogs,
  ) {}

  @Get()
  async list(
    @Req() request: FastifyRequest,
    @ValidRequest() { path, query }: ValidatedRequest<PageQuery>,
    @RequestCaller() caller?: Caller,
  ): Promise<TaskListView> {
    const run = await this.access.visibleRun(path.run_id, caller);
    const page = await this.runStore.listTasks(path.run_id, {
      pageSize: query.page_size,
      pageToken: query.page_token === '' ? undefined : query.page_token,
    });
    return { task_logs: await this.logs.show(run, page.tasks, apiBaseUrl(request)), next_page_token: page.nextPageToken };
  }

  @Get(':task_id')
  async get(
    @Req() request: FastifyRequest,
    @ValidRequest() { path }: ValidatedRequest,
    @RequestCaller() caller?: Caller,
  ): Promise<TaskLogView> {
    const { run_id: runId, task_id: taskId } = path;
    const run = await this.access.visibleRun(runId, caller);
    // No task id holds a NUL, nor can the database be asked about one.
    const task = taskId.includes('\0') ? undefined : await this.runStore.getTask(runId, taskId);
    if (!task) throw new NotFoundException(`run ${runId} has no task ${taskId}`);
    const [shown] = await this.logs.show(run, [task], apiBaseUrl(request));
    return shown;
  }
}

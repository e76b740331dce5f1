/** The WES run endpoints, plus the resume and delete extensions. Reads come from the read model. */
import { Controller, Delete, Get, HttpCode, Inject, Param, Post, Req, UseInterceptors } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { ResumeInput } from '../../../domain/run-types';
import type { DescriptorRegistry } from '../../../activities/providers/descriptors';
import type { Config } from '../../config/config';
import type { RunStore } from '../../../read-model/run-store';
import { temporalUiLink } from '../../temporal/temporal-ui';
import type { Caller } from '../auth/caller';
import { RequestCaller } from '../auth/request-caller.decorator';
import { RequireScope } from '../auth/require-scope.decorator';
import { apiBaseUrl } from '../core/base-url';
import { RunAccess } from '../core/run-access';
import { CONFIG, PROVIDER_REGISTRY, RUN_STORE } from '../core/tokens';
import { outputUrl } from '../outputs/output-urls';
import type { ValidatedRequest } from '../validation/request-validator';
import { ValidRequest } from '../validation/valid-request.decorator';
import { AttachmentUpload, UploadedAttachments } from './attachment-upload';
import { tagFilter, type ListRunsQuery } from './list-filters';
import { RunControl } from './run-control.service';
import { RunCreation, type UploadedFile } from './run-creation.service';
import { refuseLoaderDirectives, type RunRequestBody } from './run-submission';
import { runLog, runStatus, runSummary, type RunListView, type RunLogView, type RunStatusView } from './run-views';

@Controller('runs')
export class RunsController {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(RUN_STORE) private readonly runStore: RunStore,
    @Inject(PROVIDER_REGISTRY) private readonly registry: DescriptorRegistry,
    private readonly access: RunAccess,
    private readonly creation: RunCreation,
    private readonly control: RunControl,
  ) {}

  @Get()
  @RequireScope('runs:read')
  async list(@ValidRequest() { query }: ValidatedRequest<ListRunsQuery>, @RequestCaller() caller?: Caller): Promise<RunListView> {
    const tags = tagFilter(query.tag);
    if (tags === null) return { runs: [], next_page_token: '', total_runs: 0 };
    const page = await this.runStore.list({
      pageSize: query.page_size,
      pageToken: query.page_token === '' ? undefined : query.page_token,
      states: query.state,
      tags,
      owner: this.access.listOwner(caller),
    });
    return { runs: page.runs.map(runSummary), next_page_token: page.nextPageToken, total_runs: page.totalRuns };
  }

  @Post()
  @RequireScope('runs:write')
  @HttpCode(200)
  @UseInterceptors(AttachmentUpload)
  async create(
    @UploadedAttachments() files: UploadedFile[],
    @ValidRequest() { body, headers }: ValidatedRequest<unknown, RunRequestBody>,
    @RequestCaller() caller?: Caller,
  ): Promise<{ run_id: string }> {
    const idempotencyKey = headers['Idempotency-Key'] as string | undefined;
    const run_id = await this.creation.create({ body, files, idempotencyKey, owner: caller?.owner });
    return { run_id };
  }

  @Get(':run_id')
  @RequireScope('runs:read')
  async get(@Req() request: FastifyRequest, @Param('run_id') runId: string, @RequestCaller() caller?: Caller): Promise<RunLogView> {
    const row = await this.access.visibleRun(runId, caller);
    const runUrl = `${apiBaseUrl(request)}/runs/${encodeURIComponent(runId)}`;
    return runLog(row, {
      outputs: this.registry.linkOutputs(row, (runId, output) => outputUrl(apiBaseUrl(request), runId, output)),
      runUrl,
      temporalUiUrl: temporalUiLink(this.config, runId),
      logsUrl: this.registry.logs(row).kind === 'files' ? `${runUrl}/logs` : undefined,
    });
  }

  @Get(':run_id/status')
  @RequireScope('runs:read')
  async status(@Param('run_id') runId: string, @RequestCaller() caller?: Caller): Promise<RunStatusView> {
    return runStatus(await this.access.visibleStatus(runId, caller));
  }

  @Post(':run_id/cancel')
  @RequireScope('runs:write')
  @HttpCode(200)
  async cancel(@Param('run_id') runId: string, @RequestCaller() caller?: Caller): Promise<{ run_id: string }> {
    await this.control.cancel(await this.access.visibleRun(runId, caller));
    return { run_id: runId };
  }

  /** Extension: the input completes or overrides the run's parameters (README: approval gate). */
  @Post(':run_id/resume')
  @RequireScope('runs:write')
  @HttpCode(200)
  async resume(
    @ValidRequest() { path, body }: ValidatedRequest<unknown, ResumeInput | undefined>,
    @RequestCaller() caller?: Caller,
  ): Promise<RunStatusView> {
    const runId = path.run_id;
    const run = await this.access.visibleRun(runId, caller);
    refuseLoaderDirectives(body);
    // No body at all is an empty input.
    const snapshot = await this.control.resume(run, body ?? {});
    return { run_id: runId, state: snapshot.wesState };
  }

  /** Extension: forgets an ended, cleaned-up run. */
  @Delete(':run_id')
  @RequireScope('runs:write')
  async delete(@Param('run_id') runId: string, @RequestCaller() caller?: Caller): Promise<{ run_id: string }> {
    await this.control.delete(await this.access.visibleRun(runId, caller));
    return { run_id: runId };
  }
}

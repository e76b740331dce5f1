/** The WES run endpoints, plus the resume and delete extensions. Reads come from the read model. */
import {
  BadRequestException,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Req,
  UploadedFiles,
  UseInterceptors,
} from '@nestjs/common';
import { FilesInterceptor } from '@nestjs/platform-express';
import type { Request } from 'express';
import type { ResumeInput } from '../../../workflows/run-types';
import type { ProviderRegistry } from '../../../activities/provider-registry';
import type { Config } from '../../config';
import type { RunStore } from '../../database/run-store';
import { temporalUiLink } from '../../temporal-ui';
import { Owner } from '../auth/owner.decorator';
import { apiBaseUrl } from '../core/base-url';
import { parsePageSize, parsePageToken } from '../core/pagination';
import { RunAccess } from '../core/run-access';
import { CONFIG, PROVIDER_REGISTRY, RUN_STORE } from '../core/tokens';
import { isLocalRun } from '../logs/local-run';
import { AttachmentSizeErrors } from './attachment-upload';
import { parseStates, parseTags } from './list-filters';
import { RunControl } from './run-control.service';
import { RunCreation, type UploadedFile } from './run-creation.service';
import type { SubmissionForm } from './run-submission';
import { runLog, runStatus, runSummary, type RunLogView, type RunStatusView, type RunSummaryView } from './run-views';

interface RunListView {
  runs: RunSummaryView[];
  next_page_token: string;
  /** Extension (spec PR 183): all runs matching the filters. */
  total_runs: number;
}

@Controller('runs')
export class RunsController {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(RUN_STORE) private readonly runStore: RunStore,
    @Inject(PROVIDER_REGISTRY) private readonly registry: ProviderRegistry,
    private readonly access: RunAccess,
    private readonly creation: RunCreation,
    private readonly control: RunControl,
  ) {}

  @Get()
  async list(@Query() query: Record<string, unknown>, @Owner() owner?: string): Promise<RunListView> {
    const page = await this.runStore.list({
      pageSize: parsePageSize(query.page_size),
      pageToken: parsePageToken(query.page_token),
      states: parseStates(query.state),
      tags: parseTags(query.tag),
      owner: this.access.listOwner(owner),
    });
    return { runs: page.runs.map(runSummary), next_page_token: page.nextPageToken, total_runs: page.totalRuns };
  }

  @Post()
  @HttpCode(200)
  @UseInterceptors(AttachmentSizeErrors, FilesInterceptor('workflow_attachment'))
  async create(
    @Req() request: Request,
    @UploadedFiles() files: UploadedFile[] | undefined,
    @Headers('idempotency-key') idempotencyKey?: string,
    @Owner() owner?: string,
  ): Promise<{ run_id: string }> {
    const run_id = await this.creation.create({ body: request.body, form: submissionForm(request), files: files ?? [], idempotencyKey, owner });
    return { run_id };
  }

  @Get(':run_id')
  async get(@Req() request: Request, @Param('run_id') runId: string, @Owner() owner?: string): Promise<RunLogView> {
    const row = await this.access.visibleRun(runId, owner);
    const runUrl = `${apiBaseUrl(request)}/runs/${encodeURIComponent(runId)}`;
    return runLog(row, {
      runUrl,
      temporalUiUrl: temporalUiLink(this.config, runId),
      logsUrl: isLocalRun(this.registry, row) ? `${runUrl}/logs` : undefined,
    });
  }

  @Get(':run_id/status')
  async status(@Param('run_id') runId: string, @Owner() owner?: string): Promise<RunStatusView> {
    return runStatus(await this.access.visibleRun(runId, owner));
  }

  @Post(':run_id/cancel')
  @HttpCode(200)
  async cancel(@Param('run_id') runId: string, @Owner() owner?: string): Promise<{ run_id: string }> {
    await this.control.cancel(await this.access.visibleRun(runId, owner));
    return { run_id: runId };
  }

  /** Extension: the input completes or overrides the run's parameters (README: approval gate). */
  @Post(':run_id/resume')
  @HttpCode(200)
  async resume(@Req() request: Request, @Param('run_id') runId: string, @Owner() owner?: string): Promise<RunStatusView> {
    const run = await this.access.visibleRun(runId, owner);
    const snapshot = await this.control.resume(run, resumeInput(request));
    return { run_id: runId, state: snapshot.wesState };
  }

  /** Extension: forgets an ended, cleaned-up run. */
  @Delete(':run_id')
  async delete(@Param('run_id') runId: string, @Owner() owner?: string): Promise<{ run_id: string }> {
    await this.control.delete(await this.access.visibleRun(runId, owner));
    return { run_id: runId };
  }
}

function submissionForm(request: Request): SubmissionForm {
  if (request.is('multipart/form-data')) return 'multipart';
  if (request.is('application/json')) return 'json';
  throw new BadRequestException('POST /runs takes multipart/form-data (WES 1.1) or application/json');
}

/** A JSON object; no body at all is an empty input. */
function resumeInput(request: Request): ResumeInput {
  const body: unknown = request.body;
  if (body === undefined && !Number(request.get('content-length') ?? 0) && !request.get('transfer-encoding')) return {};
  if (!request.is('application/json') || typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequestException('resume takes a JSON object: the input');
  }
  return body as ResumeInput;
}

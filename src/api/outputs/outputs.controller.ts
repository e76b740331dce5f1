/**
 * Extension: a run's output files, listed and downloaded (docs/design.md, "Outputs"). Its provider's
 * descriptor says where they are: files of the shared data dir (sent from here), files elsewhere
 * streamed through (a remote WES's), or redirects (presigned S3 URLs). `RunLog.outputs` points here.
 */
import { Controller, Get, HttpException, Inject, NotFoundException, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Caller } from '../auth/caller';
import { RequestCaller } from '../auth/request-caller.decorator';
import { RequireScope } from '../auth/require-scope.decorator';
import { apiBaseUrl } from '../core/base-url';
import { RunAccess } from '../core/run-access';
import type { ValidatedRequest } from '../validation/request-validator';
import { ValidRequest } from '../validation/valid-request.decorator';
import type { DescriptorRegistry } from '../../../activities/providers/descriptors';
import { outputPath } from '../../../activities/providers/outputs/output-path';
import { OutputError, type OutputEntry } from '../../../activities/providers/outputs/output-source';
import { PROVIDER_REGISTRY } from '../core/tokens';
import { outputUrl } from './output-urls';
import { sendDownload } from './send-download';
import { sendLocalFile } from './send-local-file';
import { redirectTo } from '../core/redirect';

interface OutputFileView {
  path: string;
  size?: number;
  url: string;
}

export interface OutputListView {
  files: OutputFileView[];
}

@Controller('runs/:run_id/outputs')
@RequireScope('runs:read')
export class OutputsController {
  constructor(
    private readonly access: RunAccess,
    @Inject(PROVIDER_REGISTRY) private readonly registry: DescriptorRegistry,
  ) {}

  @Get()
  async list(
    @ValidRequest() { path }: ValidatedRequest,
    @Req() request: FastifyRequest,
    @RequestCaller() caller?: Caller,
  ): Promise<OutputListView> {
    const row = await this.access.visibleRun(path.run_id, caller);
    return listView(await answering(this.registry.outputs(row).list()), apiBaseUrl(request), row.runId);
  }

  // Fastify's wildcard: the rest of the path, many segments (request.params['*']; the validator names it `path`).
  @Get('*')
  async download(
    @ValidRequest() { path }: ValidatedRequest,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @RequestCaller() caller?: Caller,
  ): Promise<void> {
    const row = await this.access.visibleRun(path.run_id, caller);
    // A workflow's output is the workflow author's content: a browser must not sniff it into HTML
    // nor run it as a page of this origin, where the API's docs and tokens live.
    reply.headers({ 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': 'sandbox' });
    const wanted = outputPath(path.path);
    const target = wanted === undefined ? undefined : await answering(this.registry.outputs(row).locate(wanted));
    // A path that climbs, is absolute or holds a NUL names no output, like one that is not there.
    if (!target) throw new NotFoundException(`run ${row.runId} has no output ${JSON.stringify(path.path)}`);
    switch (target.kind) {
      case 'file':
        return sendLocalFile(target.file, request, reply);
      case 'directory':
        return void reply.send(listView(target.entries, apiBaseUrl(request), row.runId));
      case 'stream':
        return answering(sendDownload(target, request, reply), reply);
      case 'redirect':
        return void redirectTo(reply, target.url);
    }
  }
}

/** An output its source could not serve, as the HTTP answer its OutputError names (with its headers, on `reply`). */
async function answering<T>(work: Promise<T>, reply?: FastifyReply): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (!(err instanceof OutputError)) throw err;
    for (const [name, value] of Object.entries(err.headers)) reply?.header(name, value);
    throw new HttpException(err.message, err.status);
  }
}

function listView(entries: OutputEntry[], baseUrl: string, runId: string): OutputListView {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files: sorted.map((entry) => ({ ...entry, url: outputUrl(baseUrl, runId, entry.path) })) };
}

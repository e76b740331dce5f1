/**
 * Extension: a finished run's Workflow Run RO-Crate (docs/formats.md, "Workflow Run RO-Crate"): its
 * metadata as JSON-LD, or, asked for with `Accept: application/zip`, a zip with the files it describes.
 */
import { ConflictException, Controller, Get, Inject, NotAcceptableException, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DescriptorRegistry } from '../../../activities/providers/descriptors';
import { isTerminalWesState } from '../../../domain/wes-state';
import type { RunStore } from '../../../read-model/run-store';
import type { Config } from '../../config/config';
import type { Caller } from '../auth/caller';
import { RequestCaller } from '../auth/request-caller.decorator';
import { RequireScope } from '../auth/require-scope.decorator';
import { apiBaseUrl } from '../core/base-url';
import { RunAccess } from '../core/run-access';
import { CONFIG, PROVIDER_REGISTRY, RUN_STORE } from '../core/tokens';
import { outputUrl } from '../outputs/output-urls';
import type { ValidatedRequest } from '../validation/request-validator';
import { ValidRequest } from '../validation/valid-request.decorator';
import { buildCrate } from './crate-builder';
import { collectCrateRun } from './crate-files';
import { crateJson, sendCrateZip } from './crate-zip';

const JSON_LD = 'application/ld+json';
const ZIP = 'application/zip';

@Controller('runs/:run_id/ro-crate')
@RequireScope('runs:read')
export class RoCrateController {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(RUN_STORE) private readonly runStore: RunStore,
    @Inject(PROVIDER_REGISTRY) private readonly registry: DescriptorRegistry,
    private readonly access: RunAccess,
  ) {}

  @Get()
  async get(
    @ValidRequest() { path }: ValidatedRequest,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @RequestCaller() caller?: Caller,
  ): Promise<void> {
    const row = await this.access.visibleRun(path.run_id, caller);
    // Content negotiation by @fastify/accepts (registered in ../app.ts).
    const wanted = request.accepts().type([JSON_LD, 'application/json', ZIP]);
    if (wanted === false) throw new NotAcceptableException(`the RO-Crate is served as ${JSON_LD} or ${ZIP}`);
    if (!isTerminalWesState(row.wesState)) {
      throw new ConflictException(
        `run ${row.runId} is ${row.wesState}: its RO-Crate describes a finished run, try again once it has ended`,
      );
    }
    const base = apiBaseUrl(request);
    const runUrl = (runId: string) => `${base}/runs/${encodeURIComponent(runId)}`;
    const run = await collectCrateRun(
      { dataDir: this.config.dataDir, workflowRoots: this.config.workflowRoots, runStore: this.runStore, registry: this.registry },
      row,
      {
        run: runUrl(row.runId),
        transitions: `${runUrl(row.runId)}/transitions`,
        output: (output) => outputUrl(base, row.runId, output),
        runOf: runUrl,
      },
    );
    const crate = buildCrate(run);
    if (wanted === ZIP) {
      sendCrateZip(crate, `${row.runId}-ro-crate.zip`, reply);
      return;
    }
    void reply.type(wanted === 'application/json' ? 'application/json' : JSON_LD).send(crateJson(crate));
  }
}

/**
 * Extension: a run's stdout and stderr, readable while it runs. Local runs are read from the
 * engine's log files in the shared data dir; other providers' logs are where they say they are;
 * a run with nothing to show (yet) answers an empty log, not a 404: the run exists.
 */
import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import type { ProviderRegistry } from '../../../activities/provider-registry';
import { localProcess } from '../../../activities/providers/local';
import { runWorkDir } from '../../../activities/work-dir';
import type { Config } from '../../config';
import type { Caller } from '../auth/caller';
import { Owner } from '../auth/owner.decorator';
import { RequireScope } from '../auth/require-scope.decorator';
import { RunAccess } from '../core/run-access';
import { CONFIG, PROVIDER_REGISTRY } from '../core/tokens';
import type { ValidatedRequest } from '../validation/request-validator';
import { ValidRequest } from '../validation/valid-request.decorator';
import { isLocalRun } from './local-run';

@RequireScope('runs:read')
@Controller('runs/:run_id/logs')
export class LogsController {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(PROVIDER_REGISTRY) private readonly registry: ProviderRegistry,
    private readonly access: RunAccess,
  ) {}

  @Get(':stream')
  async read(@ValidRequest() { path }: ValidatedRequest, @Res() response: Response, @Owner() caller?: Caller): Promise<void> {
    const runId = path.run_id;
    // The document lets only stdout and stderr through.
    const stream = path.stream as 'stdout' | 'stderr';
    const row = await this.access.visibleRun(runId, caller);
    if (isLocalRun(this.registry, row)) {
      const process = localProcess(runWorkDir(this.config.dataDir, runId));
      const file = stream === 'stdout' ? process.stdoutPath : process.stderrPath;
      response.type('text/plain');
      // A run whose engine has not started (or never will) has written nothing yet.
      if (!(await access(file).then(() => true, () => false))) return void response.send('');
      createReadStream(file).pipe(response);
      return;
    }
    const location = row.runLog[stream];
    if (location && /^https?:\/\//i.test(location)) return response.redirect(location);
    // Nothing this service can show: a run that never started, or a provider that keeps no log.
    response.type('text/plain').send('');
  }
}

/**
 * Extension: a run's stdout and stderr, readable while it runs. Where they are is its provider's
 * descriptor's to say: files in the shared data dir (a local run's engine's), read from there; or
 * wherever the run log says. A run with nothing to show (yet) answers an empty log, not a 404: the
 * run exists. With `follow=true`, a log of files comes as Server-Sent Events: what is there, then what is
 * appended, until the run has ended (docs/design.md, "Live streams").
 */
import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import type { DescriptorRegistry } from '../../../activities/providers/descriptors';
import type { RunStore } from '../../../read-model/run-store';
import type { Caller } from '../auth/caller';
import { RequestCaller } from '../auth/request-caller.decorator';
import { RequireScope } from '../auth/require-scope.decorator';
import { RunAccess } from '../core/run-access';
import { PROVIDER_REGISTRY, RUN_STORE } from '../core/tokens';
import { followed } from '../streams/event-stream';
import { followRun } from '../streams/follow-run';
import { OpenStreams } from '../streams/open-streams';
import type { ValidatedRequest } from '../validation/request-validator';
import { ValidRequest } from '../validation/valid-request.decorator';
import { logChunks } from './log-chunks';
import { redirectTo } from '../core/redirect';

interface LogQuery {
  follow: boolean;
}

@RequireScope('runs:read')
@Controller('runs/:run_id/logs')
export class LogsController {
  constructor(
    @Inject(PROVIDER_REGISTRY) private readonly registry: DescriptorRegistry,
    @Inject(RUN_STORE) private readonly runStore: RunStore,
    private readonly access: RunAccess,
    private readonly streams: OpenStreams,
  ) {}

  @Get(':stream')
  async read(
    @ValidRequest() { path, query, headers }: ValidatedRequest<LogQuery>,
    @Res() reply: FastifyReply,
    @RequestCaller() caller?: Caller,
  ): Promise<void> {
    const runId = path.run_id;
    // The document lets only stdout and stderr through.
    const stream = path.stream as 'stdout' | 'stderr';
    const row = await this.access.visibleRun(runId, caller);
    const logs = this.registry.logs(row);
    if (logs.kind === 'files') {
      const file = logs[stream];
      if (followed(query.follow, reply))
        return this.follow(runId, file, (headers['Last-Event-ID'] as number | undefined) ?? 0, reply, caller);
      reply.type('text/plain; charset=utf-8');
      // A run whose engine has not started (or never will) has written nothing yet.
      if (
        !(await access(file).then(
          () => true,
          () => false,
        ))
      )
        return void reply.send('');
      return void reply.send(createReadStream(file));
    }
    const location = row.runLog[stream];
    if (location && /^https?:\/\//i.test(location)) return void redirectTo(reply, location);
    // Nothing this service can show: a run that never started, or a provider that keeps no log.
    if (followed(query.follow, reply)) return followRun(this.streams.open(reply, caller), this.runStore, runId, async () => undefined);
    void reply.type('text/plain; charset=utf-8').send('');
  }

  /** Each chunk's id is the byte offset after it: a client that reconnects gets the bytes after the last it saw. */
  private async follow(runId: string, file: string, offset: number, reply: FastifyReply, caller: Caller | undefined): Promise<void> {
    const stream = this.streams.open(reply, caller);
    await followRun(stream, this.runStore, runId, async (ended) => {
      for await (const chunk of logChunks(file, offset, ended)) {
        if (stream.closed) return;
        stream.send('output', { text: chunk.text }, chunk.end);
        offset = chunk.end;
        await stream.drained();
      }
    });
  }
}

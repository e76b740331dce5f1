/**
 * Extension: a run's state transitions (docs/design.md, "The execution state machine"), as the read
 * model holds them, each with the WES state it led to (`wes_state`); with `follow=true`, as
 * Server-Sent Events while the run goes (docs/design.md, "Live streams").
 */
import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { withWesState } from '../../../domain/wes-state';
import type { RunStore } from '../../../read-model/run-store';
import type { Caller } from '../auth/caller';
import { RequestCaller } from '../auth/request-caller.decorator';
import { RequireScope } from '../auth/require-scope.decorator';
import { RunAccess } from '../core/run-access';
import { RUN_STORE } from '../core/tokens';
import { followed } from '../streams/event-stream';
import { followRun } from '../streams/follow-run';
import { OpenStreams } from '../streams/open-streams';
import type { ValidatedRequest } from '../validation/request-validator';
import { ValidRequest } from '../validation/valid-request.decorator';

interface TransitionsQuery {
  follow: boolean;
}

@RequireScope('runs:read')
@Controller('runs/:run_id/transitions')
export class TransitionsController {
  constructor(
    @Inject(RUN_STORE) private readonly runStore: RunStore,
    private readonly access: RunAccess,
    private readonly streams: OpenStreams,
  ) {}

  @Get()
  async list(
    @ValidRequest() { path, query, headers }: ValidatedRequest<TransitionsQuery>,
    @Res() reply: FastifyReply,
    @RequestCaller() caller?: Caller,
  ): Promise<void> {
    const runId = path.run_id;
    await this.access.visibleRun(runId, caller);
    if (!followed(query.follow, reply)) return void reply.send({ transitions: (await this.runStore.transitions(runId)).map(withWesState) });
    // Each transition's id is its seq: a client that reconnects gets those after the last it saw.
    let seq = (headers['Last-Event-ID'] as number | undefined) ?? 0;
    const stream = this.streams.open(reply, caller);
    await followRun(stream, this.runStore, runId, async () => {
      for (const transition of await this.runStore.transitions(runId, seq)) {
        stream.send('transition', withWesState(transition), transition.seq);
        seq = transition.seq;
      }
    });
  }
}

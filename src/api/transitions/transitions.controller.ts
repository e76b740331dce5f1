/** Extension: a run's state transitions (docs/design.md, "The execution state machine"), as the read model holds them. */
import { Controller, Get, Inject, Param } from '@nestjs/common';
import type { Transition } from '../../../workflows/run-types';
import type { RunStore } from '../../database/run-store';
import type { Caller } from '../auth/caller';
import { Owner } from '../auth/owner.decorator';
import { RequireScope } from '../auth/require-scope.decorator';
import { RunAccess } from '../core/run-access';
import { RUN_STORE } from '../core/tokens';

@RequireScope('runs:read')
@Controller('runs/:run_id/transitions')
export class TransitionsController {
  constructor(
    @Inject(RUN_STORE) private readonly runStore: RunStore,
    private readonly access: RunAccess,
  ) {}

  @Get()
  async list(@Param('run_id') runId: string, @Owner() caller?: Caller): Promise<{ transitions: Transition[] }> {
    await this.access.visibleRun(runId, caller);
    return { transitions: await this.runStore.transitions(runId) };
  }
}

import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Config } from '../../config';
import type { RunRow, RunStore } from '../../database/run-store';
import { CONFIG, RUN_STORE } from './tokens';

/** Finds a run in the read model as its caller may see it. */
@Injectable()
export class RunAccess {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(RUN_STORE) private readonly runStore: RunStore,
  ) {}

  /**
   * The run, or 404. With auth on, another owner's run is answered exactly like a missing one,
   * so that run ids of others cannot be probed.
   */
  async visibleRun(runId: string, owner: string | undefined): Promise<RunRow> {
    // No run id holds a NUL, nor can the database be asked about one.
    const row = runId.includes('\0') ? undefined : await this.runStore.get(runId);
    if (!row || (this.authOn() && row.owner !== owner)) throw new NotFoundException(`run ${runId} not found`);
    return row;
  }

  /** The owner whose runs a caller sees in lists; undefined (everyone's) when auth is off. */
  listOwner(owner: string | undefined): string | undefined {
    return this.authOn() ? owner : undefined;
  }

  private authOn(): boolean {
    return this.config.authTokens.size > 0;
  }
}

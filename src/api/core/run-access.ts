import { Inject, Injectable, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { authEnabled } from '../../config/auth-config';
import type { Config } from '../../config/config';
import type { RunStore } from '../../../read-model/run-store';
import type { RunRow, RunStatusRow } from '../../../domain/run-rows';
import { hasScope, type Caller } from '../auth/caller';
import { CONFIG, RUN_STORE } from './tokens';

/** Finds a run in the read model as its caller may see it: its own runs, or every run for admin. */
@Injectable()
export class RunAccess {
  private readonly authOn: boolean;

  constructor(
    @Inject(CONFIG) config: Config,
    @Inject(RUN_STORE) private readonly runStore: RunStore,
  ) {
    this.authOn = authEnabled(config);
  }

  /**
   * The run, or 404. With auth on, another owner's run is answered exactly like a missing one,
   * so that run ids of others cannot be probed.
   */
  visibleRun(runId: string, caller: Caller | undefined): Promise<RunRow> {
    return this.visible(runId, caller, (id) => this.runStore.get(id));
  }

  /** As visibleRun, reading only the run's status: a status read (polled often) need not read the whole row. */
  visibleStatus(runId: string, caller: Caller | undefined): Promise<RunStatusRow> {
    return this.visible(runId, caller, (id) => this.runStore.status(id));
  }

  /** The owner whose runs a caller sees in lists; undefined (everyone's) when auth is off or for admin. */
  listOwner(caller: Caller | undefined): string | undefined {
    return this.ownerSeen(caller);
  }

  private async visible<Row extends Pick<RunRow, 'owner'>>(
    runId: string,
    caller: Caller | undefined,
    read: (runId: string) => Promise<Row | undefined>,
  ): Promise<Row> {
    const owner = this.ownerSeen(caller);
    // No run id holds a NUL, nor can the database be asked about one.
    const row = runId.includes('\0') ? undefined : await read(runId);
    if (!row || (owner !== undefined && row.owner !== owner)) throw new NotFoundException(`run ${runId} not found`);
    return row;
  }

  private ownerSeen(caller: Caller | undefined): string | undefined {
    if (!this.authOn) return undefined;
    // ScopeGuard lets no route through without a caller; one that got here anyway sees nothing.
    if (caller === undefined) throw new UnauthorizedException('a bearer token is required');
    return hasScope(caller, 'admin') ? undefined : caller.owner;
  }
}

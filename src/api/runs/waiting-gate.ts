/**
 * Which gate of a task a resume input goes to, and its step as the task's workflow runs it, so
 * that the API checks the input on RE2 before the workflow sees it (src/task-definitions/gate-input.ts).
 *
 * The gate: the first of the steps the read model's latest `wait` transition names, as the workflow
 * names them oldest first, and logs them anew each time a resume leaves others waiting. The step:
 * from the definition the workflow was started with (TaskDefinitions).
 */
import { ConflictException, Inject, Injectable } from '@nestjs/common';
import type { WaitForInputStep } from '../../../domain/task-definition';
import type { RunStore } from '../../../read-model/run-store';
import type { RunRow } from '../../../domain/run-rows';
import { gateStep } from '../../task-definitions/gate-input';
import { RUN_STORE } from '../core/tokens';
import { TaskDefinitions } from '../tasks/task-definitions.service';

@Injectable()
export class WaitingGates {
  constructor(
    @Inject(RUN_STORE) private readonly runStore: RunStore,
    private readonly definitions: TaskDefinitions,
  ) {}

  /**
   * The gate `task`'s next resume input goes to. A task the read model does not show waiting is a
   * 409 here: an input sent before its gate shows would reach the workflow unchecked.
   */
  async oldest(task: RunRow): Promise<WaitForInputStep | undefined> {
    if (task.wesState !== 'PAUSED') throw new ConflictException(`task ${task.runId} is ${task.wesState}, not awaiting input`);
    const wait = (await this.runStore.transitions(task.runId)).filter((transition) => transition.type === 'wait').at(-1);
    const stepId = ((wait?.payload?.steps ?? []) as string[]).at(0);
    if (stepId === undefined) return undefined;
    return gateStep(await this.definitions.of(task.runId), stepId);
  }
}

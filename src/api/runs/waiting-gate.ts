/**
 * Which gate of a task a resume input goes to, and its step as the task's workflow runs it, so
 * that the API checks the input on RE2 before the workflow sees it (src/task-definitions/gate-input.ts).
 *
 * The gate: the first of the steps the read model's latest `wait` transition names, as the workflow
 * names them oldest first, and logs them anew each time a resume leaves others waiting. The step:
 * from the definition the workflow was started with, the input of its latest execution's first
 * event in Temporal, a read of its history that needs no worker (the read model holds no
 * definition, and the file or attachment it came from may have changed since).
 */
import { ConflictException, Inject, Injectable } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { arrayFromPayloads } from '@temporalio/common';
import type { TaskDefinition, WaitForInputStep } from '../../../domain/task-definition';
import type { TaskInput } from '../../../workflows/task-run/task-types';
import type { Config } from '../../config/config';
import type { RunStore } from '../../../read-model/run-store';
import type { RunRow } from '../../../domain/run-rows';
import { gateStep } from '../../task-definitions/gate-input';
import { CONFIG, RUN_STORE } from '../core/tokens';

@Injectable()
export class WaitingGates {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(RUN_STORE) private readonly runStore: RunStore,
    private readonly client: Client,
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
    return gateStep(await this.definition(task.runId), stepId);
  }

  private async definition(runId: string): Promise<TaskDefinition> {
    const { history } = await this.client.workflowService.getWorkflowExecutionHistory({
      namespace: this.config.temporalNamespace,
      execution: { workflowId: runId },
      maximumPageSize: 1,
    });
    const started = history?.events?.[0]?.workflowExecutionStartedEventAttributes;
    // The client's codecs undo theirs in reverse order, as the SDK's own decoding does.
    const { payloadCodecs, payloadConverter } = this.client.options.loadedDataConverter;
    let payloads = started?.input?.payloads ?? [];
    for (const codec of [...payloadCodecs].reverse()) payloads = await codec.decode(payloads);
    const [input] = arrayFromPayloads(payloadConverter, payloads) as TaskInput[];
    return input.definition;
  }
}

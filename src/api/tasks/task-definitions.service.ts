/**
 * A task's definition as its workflow runs it: the input of its latest execution's first event in
 * Temporal, a read of its history that needs no worker (the read model holds no definition, and the
 * file or attachment it came from may have changed since). A run's definition never changes, so the
 * latest ones read are kept.
 */
import { Inject, Injectable } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { arrayFromPayloads } from '@temporalio/common';
import type { TaskDefinition } from '../../../domain/task-definition';
import type { TaskInput } from '../../../workflows/task-run/task-types';
import type { Config } from '../../config/config';
import { CONFIG } from '../core/tokens';

/** Definitions kept: a few hundred tasks looked at now and then; each is at most 64 KiB. */
const KEPT = 256;

@Injectable()
export class TaskDefinitions {
  private readonly kept = new Map<string, TaskDefinition>();

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly client: Client,
  ) {}

  async of(runId: string): Promise<TaskDefinition> {
    const known = this.kept.get(runId);
    if (known) return known;
    const definition = await this.read(runId);
    const oldest = this.kept.keys().next();
    if (this.kept.size >= KEPT && !oldest.done) this.kept.delete(oldest.value);
    this.kept.set(runId, definition);
    return definition;
  }

  private async read(runId: string): Promise<TaskDefinition> {
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

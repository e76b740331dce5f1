/**
 * A run's task rows as GET /runs/{id}/tasks shows them. A task run's rows (its steps and branches,
 * docs/tasks.md) show more than the read model holds: outputs with their files pointed at the
 * download URLs their child run's RunLog shows, and for a gate, its input schema and prompt, for a
 * client to say what it waits for and how to answer (durable-wes.overlay.yaml).
 */
import { Inject, Injectable } from '@nestjs/common';
import type { DescriptorRegistry } from '../../../activities/providers/descriptors';
import type { RunRow, TaskRow } from '../../../domain/run-rows';
import type { TaskDefinition } from '../../../domain/task-definition';
import type { RunStore } from '../../../read-model/run-store';
import { gateStep } from '../../task-definitions/gate-input';
import { outputUrl } from '../outputs/output-urls';
import { PROVIDER_REGISTRY, RUN_STORE } from '../core/tokens';
import { isTaskRequest } from '../runs/task-submission';
import { TaskDefinitions } from './task-definitions.service';
import { taskLog, type TaskLogView } from './task-views';

@Injectable()
export class TaskLogs {
  constructor(
    @Inject(RUN_STORE) private readonly runStore: RunStore,
    @Inject(PROVIDER_REGISTRY) private readonly registry: DescriptorRegistry,
    private readonly definitions: TaskDefinitions,
  ) {}

  /** `rows` of `run` as shown to a caller who reached the API at `apiBaseUrl`. */
  async show(run: RunRow, rows: TaskRow[], apiBaseUrl: string): Promise<TaskLogView[]> {
    if (!isTaskRequest(run.request)) return rows.map((row) => taskLog(row));
    const [definition, providers] = await Promise.all([this.definitions.of(run.runId), this.childProviders(rows)]);
    const link = (runId: string, output: string) => outputUrl(apiBaseUrl, runId, output);
    return rows.map((row) => {
      const child = row.childRunId === undefined ? {} : { runId: row.childRunId, provider: providers.get(row.childRunId) };
      const outputs = this.registry.linkOutputs({ runId: run.runId, ...child, outputs: row.outputs }, link);
      return taskLog({ ...row, outputs }, gateOf(definition, row));
    });
  }

  /** Each child run's provider, whose outputs its descriptor links. */
  private async childProviders(rows: TaskRow[]): Promise<Map<string, string | undefined>> {
    const children = [...new Set(rows.flatMap((row) => row.childRunId ?? []))];
    const found = await Promise.all(children.map((runId) => this.runStore.get(runId)));
    return new Map(children.map((runId, i) => [runId, found[i]?.provider]));
  }
}

/**
 * A gate's schema, and its prompt once it has waited: the first line of its row's system log from
 * then on (workflows/task-run/task-execution.ts). A gate that failed before (its prompt's
 * expression failed) logged only why, and ended so at once; one that waited and then failed logged
 * why after its prompt. Neither is ever cancelled before it waits: both happen in one activation.
 */
function gateOf(definition: TaskDefinition, row: TaskRow): { inputSchema: Record<string, unknown>; prompt?: string } | undefined {
  const gate = gateStep(definition, row.taskId);
  if (gate === undefined) return undefined;
  const waited = ['PAUSED', 'COMPLETE', 'CANCELED'].includes(row.state) || row.systemLogs.length > 1;
  const prompt = waited ? row.systemLogs.at(0) : undefined;
  return { inputSchema: gate.wait_for_input.schema, ...(prompt === undefined ? {} : { prompt }) };
}

/**
 * The task workflow: one DWES-TASK run (docs/tasks.md) as a durable workflow, its `run` steps child
 * run workflows. A thin function over TaskExecution.
 */
import { TaskExecution } from './task-run/task-execution';
import type { TaskInput } from './task-run/task-types';
import type { RunSnapshot } from '../domain/run-types';

export async function wesTaskV1(input: TaskInput): Promise<RunSnapshot> {
  return new TaskExecution(input).run();
}

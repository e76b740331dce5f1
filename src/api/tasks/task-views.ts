/** Read-model task rows as WES 1.1 TaskLog shows them, with our extension fields (durable-wes.overlay.yaml). */
import type { components } from '../../../spec/wes-api';
import type { WesState } from '../../../domain/wes-state';
import type { TaskRow } from '../../../domain/run-rows';

type WesSchemas = components['schemas'];

/** WES's `TaskLog` (a job's `stdout`/`stderr` are paths on the engine's host for now). */
export type TaskLogView = WesSchemas['TaskLog'] &
  Required<Pick<WesSchemas['TaskLog'], 'system_logs'>> & {
    /** Extensions. */
    state: WesState;
    outputs: Record<string, unknown>;
    child_run_id?: string;
    parent_task_id?: string;
    /** A gate's: the JSON Schema its resume input must satisfy, and its prompt once it has waited. */
    input_schema?: Record<string, unknown>;
    prompt?: string;
  };

export type TaskListView = Required<WesSchemas['TaskListResponse']> & { task_logs: TaskLogView[] };

/** A task row; a task's gate (a wait_for_input step) with what it asks. */
export function taskLog(task: TaskRow, gate?: { inputSchema: Record<string, unknown>; prompt?: string }): TaskLogView {
  return {
    id: task.taskId,
    name: task.name,
    cmd: task.cmd,
    start_time: task.startTime?.toISOString(),
    end_time: task.endTime?.toISOString(),
    stdout: task.stdout,
    stderr: task.stderr,
    exit_code: task.exitCode,
    system_logs: task.systemLogs,
    state: task.state,
    outputs: task.outputs,
    child_run_id: task.childRunId,
    parent_task_id: task.parentTaskId,
    input_schema: gate?.inputSchema,
    prompt: gate?.prompt,
  };
}

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
  };

export type TaskListView = Required<WesSchemas['TaskListResponse']> & { task_logs: TaskLogView[] };

export function taskLog(task: TaskRow): TaskLogView {
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
  };
}

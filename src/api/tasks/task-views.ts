/** Read-model task rows as WES 1.1 TaskLog shows them, with our extension fields (durable-wes.overlay.yaml). */
import type { RunLog } from '../../../domain/run-types';
import type { WesState } from '../../../domain/wes-state';
import type { TaskRow } from '../../../domain/run-rows';

/** WES's `Log` (a job's `stdout`/`stderr` are paths on the engine's host for now), with a task's id. */
export interface TaskLogView extends RunLog {
  id: string;
  name: string;
  system_logs: string[];
  /** Extensions. */
  state: WesState;
  outputs: Record<string, unknown>;
  child_run_id?: string;
  parent_task_id?: string;
}

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

/** Read-model task rows as WES 1.1 TaskLog shows them, with our extension fields (durable-wes.overlay.yaml). */
import type { WesState } from '../../../workflows/wes-state';
import type { TaskRow } from '../../database/run-store';

export interface TaskLogView {
  id: string;
  name: string;
  cmd?: string[];
  start_time?: string;
  end_time?: string;
  /** A path on the engine's host, for a local engine's job. */
  stdout?: string;
  stderr?: string;
  exit_code?: number;
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

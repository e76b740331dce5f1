/**
 * A task run's steps, branches and child runs, as GET /runs/{id}/tasks lists them (docs/tasks.md;
 * docs/design.md, "Task runs"): every page, and each row's kind and place in the tree.
 */
import { TASK_WORKFLOW_TYPE } from '../../domain/task-definition';
import type { components } from '../../spec/wes-api';
import type { ApiClient, RunLog } from './api-client';

/** A row of /tasks with this service's extension fields (src/api/tasks/task-views.ts). */
export type TaskRow = components['schemas']['TaskLog'] & {
  state?: string;
  outputs?: Record<string, unknown>;
  child_run_id?: string;
  parent_task_id?: string;
  /** A gate's prompt and JSON Schema; older servers give the prompt as the first system log only. */
  prompt?: string;
  input_schema?: unknown;
};

export type StepKind = 'run' | 'wait_for_input' | 'parallel' | 'branch' | 'job';

export const isTask = (log: RunLog): boolean => log.request?.workflow_type === TASK_WORKFLOW_TYPE;

/** Every row, in the order the run began them. */
export async function taskRows(api: ApiClient, runId: string): Promise<TaskRow[]> {
  const rows: TaskRow[] = [];
  let token = '';
  do {
    const query = new URLSearchParams({ page_size: '1000', ...(token ? { page_token: token } : {}) });
    const page = await api.json<{ task_logs?: TaskRow[]; next_page_token?: string }>(
      'GET',
      `/runs/${encodeURIComponent(runId)}/tasks?${query.toString()}`,
    );
    rows.push(...(page.task_logs ?? []));
    token = page.next_page_token ?? '';
  } while (token);
  return rows;
}

/** The task workflow names a step `<id> (<kind>)` and a branch `branch <id>`; an engine's job is neither. */
export function kindOf(row: TaskRow): StepKind {
  if (row.name.startsWith('branch ')) return 'branch';
  const kind = / \((run|wait_for_input|parallel)\)$/.exec(row.name)?.[1];
  return (kind as StepKind | undefined) ?? 'job';
}

/** A gate's prompt: the extension field, else the first system log, where the task workflow puts it. */
export const promptOf = (row: TaskRow): string | undefined => row.prompt ?? row.system_logs?.[0];

export interface TreeRow {
  row: TaskRow;
  depth: number;
}

/** Rows depth first, each under its parent (a branch under its parallel step, a step under its branch). */
export function taskTree(rows: TaskRow[]): TreeRow[] {
  const ids = new Set(rows.map((row) => row.id));
  const children = new Map<string | undefined, TaskRow[]>();
  for (const row of rows) {
    // A parent not listed (another page's, or none) makes a root.
    const parent = row.parent_task_id !== undefined && ids.has(row.parent_task_id) ? row.parent_task_id : undefined;
    children.set(parent, [...(children.get(parent) ?? []), row]);
  }
  const tree: TreeRow[] = [];
  const visit = (parent: string | undefined, depth: number): void => {
    for (const row of children.get(parent) ?? []) {
      tree.push({ row, depth });
      visit(row.id, depth + 1);
    }
  };
  visit(undefined, 0);
  return tree;
}

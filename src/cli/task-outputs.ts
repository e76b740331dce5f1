/**
 * What a task's steps made (`outputs TASK_RUN_ID`): each run step's child run's output files, with
 * their download URLs, and its other output values; each gate's input. A task's own /outputs is
 * empty: its files are its children's.
 */
import type { ApiClient } from './api-client';
import { CliError, EXIT } from './exit-codes';
import { outputFiles, type OutputFile } from './output-files';
import { kindOf, taskRows, taskTree, type StepKind } from './task-rows';

export interface StepOutputs {
  step: string;
  kind: StepKind;
  child_run_id?: string;
  /** A run step's: its child run's files. */
  files?: OutputFile[];
  /** A run step's outputs that are not files; a gate's, the input it was given. */
  values: Record<string, unknown>;
}

const isFileObject = (value: unknown): boolean => {
  const object = value as { class?: unknown } | null;
  return typeof object === 'object' && object !== null && (object.class === 'File' || object.class === 'Directory');
};

export async function taskOutputs(api: ApiClient, runId: string): Promise<StepOutputs[]> {
  const steps: StepOutputs[] = [];
  for (const { row } of taskTree(await taskRows(api, runId))) {
    const kind = kindOf(row);
    const outputs = row.outputs ?? {};
    if (kind === 'wait_for_input' && row.state === 'COMPLETE') steps.push({ step: row.id, kind, values: outputs });
    if (kind !== 'run' || row.child_run_id === undefined) continue;
    const values = Object.fromEntries(Object.entries(outputs).filter(([, value]) => !isFileObject(value)));
    steps.push({ step: row.id, kind, child_run_id: row.child_run_id, files: await childFiles(api, row.child_run_id), values });
  }
  return steps;
}

/** A child the task named but could not start has no run, and so no files. */
async function childFiles(api: ApiClient, runId: string): Promise<OutputFile[]> {
  try {
    return await outputFiles(api, runId);
  } catch (error) {
    if (error instanceof CliError && error.code === EXIT.notFound) return [];
    throw error;
  }
}

/** The workflow_type and version a workflow file says it is, when its name or content does. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { TASK_FORMAT_VERSION, TASK_WORKFLOW_TYPE } from '../../domain/task-definition';
import { isSnakefile } from './workflow-files';

export interface WorkflowType {
  type: string;
  version: string;
}

/** What `guessWorkflowType` knows, for the message that asks for --type. */
export const KNOWN_TYPES = `CWL (.cwl), SMK (a Snakefile or .smk), WDL (.wdl), ${TASK_WORKFLOW_TYPE} (a document with a dwes_task: key)`;

/** `local`: the file, when the workflow is one on this machine; a URL is judged by its name. */
export function guessWorkflowType(workflow: string, local: string | undefined): Partial<WorkflowType> {
  const name = path.basename(local ?? urlPath(workflow));
  const text = local === undefined ? undefined : readFileSync(local, 'utf8');
  if (/\.cwl$/i.test(name)) return { type: 'CWL', version: declared(text, /^\s*cwlVersion:\s*["']?([\w.]+)/m) ?? 'v1.2' };
  if (isSnakefile(name)) return { type: 'SMK', version: '1.0' };
  // WDL 1.0 and later open with `version` (docs/design.md, "WDL through miniwdl").
  if (/\.wdl$/i.test(name)) return { type: 'WDL', version: declared(text, /^\s*version\s+([\w.]+)/m) ?? '1.0' };
  if (text !== undefined) return taskType(text);
  return {};
}

function declared(text: string | undefined, pattern: RegExp): string | undefined {
  return text === undefined ? undefined : pattern.exec(text)?.[1];
}

/** A DWES-TASK document says so by its `dwes_task:` key, which holds its version (docs/tasks.md). */
function taskType(text: string): Partial<WorkflowType> {
  // Parsed only when the key may be there: a large data file is no workflow.
  if (!/^\s*["']?dwes_task["']?\s*:/m.test(text)) return {};
  let document: unknown;
  try {
    document = parse(text);
  } catch {
    // Not YAML (nor JSON): not a task; the type must be given.
    return {};
  }
  if (typeof document !== 'object' || document === null || !('dwes_task' in document)) return {};
  const version = document.dwes_task;
  return { type: TASK_WORKFLOW_TYPE, version: typeof version === 'string' ? version : TASK_FORMAT_VERSION };
}

function urlPath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    // Not a URL this CLI can read: the server judges it, and the type must be given.
    return '';
  }
}

/** The workflow_type and version a workflow file says it is, when its name or first lines do. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isSnakefile } from './workflow-files';

export interface WorkflowType {
  type: string;
  version: string;
}

/** `local`: the file, when the workflow is one on this machine; a URL is judged by its name. */
export function guessWorkflowType(workflow: string, local: string | undefined): Partial<WorkflowType> {
  const name = path.basename(local ?? urlPath(workflow));
  if (/\.cwl$/i.test(name)) {
    const declared = local === undefined ? undefined : /^\s*cwlVersion:\s*["']?([\w.]+)/m.exec(readFileSync(local, 'utf8'))?.[1];
    return { type: 'CWL', version: declared ?? 'v1.2' };
  }
  if (isSnakefile(name)) return { type: 'SMK', version: '1.0' };
  return {};
}

function urlPath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    // Not a URL this CLI can read: the server judges it, and the type must be given.
    return '';
  }
}

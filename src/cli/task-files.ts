/**
 * The files a DWES-TASK document's steps name (docs/tasks.md): each `run` step's relative
 * `workflow_url`, with the files that workflow brings (its imports, its project, the secondary
 * files of its inputs), and the File and Directory inputs in its literal `workflow_params`. The
 * server gives each step's run every attachment of the task by the same path, and a step names
 * them relative to the task's folder, so they are uploaded by their paths below that folder.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { isRelativeUrl, splitWorkflowUrl } from '../../domain/workflow-url';
import type { LocalEntry } from './attachments';
import { CliError, EXIT } from './exit-codes';
import { eachFileObject } from './input-files';
import { secondaryFiles } from './secondary-files';
import { workflowFiles } from './workflow-files';

type Loose = Record<string, unknown>;

/** Absolute paths of the files `task`'s steps need (./run-form.ts refuses those outside the task's folder). */
export function taskFiles(task: string): LocalEntry[] {
  const folder = path.dirname(task);
  const found: LocalEntry[] = [];
  for (const { id, run } of runSteps(readTask(task))) {
    const url = literal(run.workflow_url);
    if (url !== undefined && isRelativeUrl(url)) {
      const { document, fragment } = splitWorkflowUrl(url);
      const workflow = path.resolve(folder, document);
      if (!statSync(workflow, { throwIfNoEntry: false })?.isFile())
        throw new CliError(`${task}: step ${id}: workflow_url ${url}: no such file (${workflow})`, EXIT.usage);
      found.push(...workflowFiles(workflow).map((file) => ({ path: file, directory: false })));
      const params = run.workflow_params;
      if (typeof params === 'object' && params !== null && /\.cwl$/i.test(workflow)) {
        const named = fragment === undefined ? workflow : `${workflow}#${fragment}`;
        found.push(...secondaryFiles(named, params as Loose, folder).map((file) => ({ path: file, directory: false })));
      }
    }
    found.push(...stepInputs(`${task}: step ${id}`, run.workflow_params, folder));
  }
  return found;
}

function readTask(task: string): Loose {
  let document: unknown;
  try {
    document = parse(readFileSync(task, 'utf8'));
  } catch (error) {
    throw new CliError(`${task}: ${(error as Error).message}`, EXIT.usage);
  }
  return typeof document === 'object' && document !== null ? (document as Loose) : {};
}

/** Every `run` step, in parallel branches too; the server checks the rest of the document. */
function runSteps(document: Loose): Array<{ id: string; run: Loose }> {
  const visit = (steps: unknown): Array<{ id: string; run: Loose }> =>
    (Array.isArray(steps) ? steps : []).flatMap((step: unknown) => {
      if (typeof step !== 'object' || step === null) return [];
      const { id, run, parallel } = step as Loose;
      if (typeof run === 'object' && run !== null) return [{ id: String(id), run: run as Loose }];
      const branches = (parallel as Loose | undefined)?.branches;
      return (Array.isArray(branches) ? branches : []).flatMap((branch: unknown) => visit((branch as Loose | null)?.steps));
    });
  return visit(document.steps);
}

/** A string that is not an expression (`{% … %}`, evaluated when the task runs: no file here). */
function literal(value: unknown): string | undefined {
  return typeof value === 'string' && !value.includes('{%') ? value : undefined;
}

/** The local File and Directory inputs a step names with a literal relative location. */
function stepInputs(step: string, params: unknown, folder: string): LocalEntry[] {
  const found: LocalEntry[] = [];
  eachFileObject(params, (object) => {
    const location = literal(object.location ?? object.path);
    if (location === undefined || !isRelativeUrl(location)) return;
    const file = path.resolve(folder, location);
    const directory = object.class === 'Directory';
    if (statSync(file, { throwIfNoEntry: false })?.isDirectory() !== directory)
      throw new CliError(`${step}: input ${location}: no such ${directory ? 'directory' : 'file'} (${file})`, EXIT.usage);
    found.push({ path: file, directory });
  });
  return found;
}

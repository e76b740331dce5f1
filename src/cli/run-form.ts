/** The POST /runs form for a workflow given on the command line, its files and inputs attached. */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { parseExactJson, stringifyExactJson } from '../../domain/exact-json';
import { TASK_WORKFLOW_TYPE } from '../../domain/task-definition';
import { attachmentName, commonRoot, filesUnder, isBelow, type Attachment, type LocalEntry } from './attachments';
import { CliError, EXIT } from './exit-codes';
import { inputFiles, type InputFile } from './input-files';
import { localPath } from './local-path';
import { workflowFiles } from './workflow-files';
import { guessWorkflowType, KNOWN_TYPES } from './workflow-type';
import { secondaryFiles } from './secondary-files';
import { taskFiles } from './task-files';
import { checkUploadSize } from './upload-size';

export interface RunFormOptions {
  params?: string;
  type?: string;
  typeVersion?: string;
  engine?: string;
  engineVersion?: string;
  engineParam: Record<string, string>;
  tag: Record<string, string>;
  provider?: string;
  requireApproval?: boolean;
  /** Files and folders uploaded beside the rest (`--attach`). */
  attach?: string[];
  /** Sends an upload larger than the size check lets through (./upload-size.ts). */
  yes?: boolean;
}

export function runForm(workflow: string, options: RunFormOptions): FormData {
  // A URL (http:, https:, trs:, ...) is the server's to fetch; anything else is a file here.
  const local = localPath(workflow, process.cwd());
  if (local !== undefined && !statSync(local, { throwIfNoEntry: false })?.isFile())
    throw new CliError(`${workflow}: no such file`, EXIT.usage);
  const guessed = guessWorkflowType(workflow, local);
  const type = options.type ?? guessed.type;
  const version = options.typeVersion ?? (options.type === undefined || options.type === guessed.type ? guessed.version : undefined);
  if (!type) throw new CliError(`cannot tell the workflow type of ${workflow}: give --type; known: ${KNOWN_TYPES}`, EXIT.usage);
  if (!version) throw new CliError(`give the version of ${type} with --type-version`, EXIT.usage);

  const params = options.params === undefined ? {} : readParams(options.params);
  const inputs = options.params === undefined ? [] : inputFiles(params, path.dirname(path.resolve(options.params)));
  const { attachments, workflowUrl } = attach(local === undefined ? undefined : { file: local, type }, params, options, inputs);
  checkUploadSize(attachments, options.yes);

  const tags = { ...options.tag, ...(options.provider === undefined ? {} : { wes_provider: options.provider }) };
  const form = new FormData();
  form.set('workflow_type', type);
  form.set('workflow_type_version', version);
  form.set('workflow_url', workflowUrl ?? workflow);
  form.set('workflow_params', stringifyExactJson(params));
  if (Object.keys(tags).length > 0) form.set('tags', JSON.stringify(tags));
  if (options.engine !== undefined) form.set('workflow_engine', options.engine);
  if (options.engineVersion !== undefined) form.set('workflow_engine_version', options.engineVersion);
  if (Object.keys(options.engineParam).length > 0) form.set('workflow_engine_parameters', JSON.stringify(options.engineParam));
  if (options.requireApproval) form.set('require_approval', 'true');
  for (const attachment of attachments) form.append('workflow_attachment', new Blob([readFileSync(attachment.path)]), attachment.name);
  return form;
}

/**
 * The files to upload: the local workflow's own (`ownFiles`), the inputs' (a directory's every
 * file) and `--attach`'s, each named by its path below the deepest directory that holds them all,
 * or for a task below its folder, where its steps name them; the inputs' locations in the
 * parameters become those names. `workflowUrl`: the local workflow's name among them.
 */
function attach(
  workflow: { file: string; type: string } | undefined,
  params: Record<string, unknown>,
  options: RunFormOptions,
  inputs: InputFile[],
): { attachments: Attachment[]; workflowUrl?: string } {
  const paramsBase = options.params === undefined ? undefined : path.dirname(path.resolve(options.params));
  const own = workflow === undefined ? { files: [] } : ownFiles(workflow.file, workflow.type, params, paramsBase);
  const entries: LocalEntry[] = [...own.files, ...inputs, ...(options.attach ?? []).map(attached)];
  if (entries.length === 0) return { attachments: [] };
  const root = own.root ?? commonRoot(entries);
  const outside = entries.find((entry) => !isBelow(entry.path, root));
  if (outside !== undefined)
    throw new CliError(`${outside.path} lies outside the task's folder ${root}, where its steps name their files`, EXIT.usage);
  for (const input of inputs) input.rename(attachmentName(root, input.path));
  const files = new Set(entries.flatMap((entry) => (entry.directory ? filesUnder(entry.path) : [entry.path])));
  return {
    attachments: [...files].map((file) => ({ path: file, name: attachmentName(root, file) })),
    workflowUrl: workflow === undefined ? undefined : attachmentName(root, workflow.file),
  };
}

/**
 * A local workflow's own files: a task's document and what its steps name (./task-files.ts), named
 * below its folder (`root`); any other's imports or project (./workflow-files.ts) and, for CWL,
 * the secondary files of the inputs in its parameters (./secondary-files.ts).
 */
function ownFiles(
  file: string,
  type: string,
  params: Record<string, unknown>,
  paramsBase?: string,
): { files: LocalEntry[]; root?: string } {
  if (type.toUpperCase() === TASK_WORKFLOW_TYPE)
    return { files: [{ path: file, directory: false }, ...taskFiles(file)], root: path.dirname(file) };
  const files = workflowFiles(file);
  if (paramsBase !== undefined && /\.cwl$/i.test(file)) files.push(...secondaryFiles(file, params, paramsBase));
  return { files: files.map((own) => ({ path: own, directory: false })) };
}

/** A file or folder `--attach` names, relative to the working directory. */
function attached(given: string): LocalEntry {
  const file = path.resolve(given);
  const stat = statSync(file, { throwIfNoEntry: false });
  if (stat === undefined) throw new CliError(`--attach ${given}: no such file or folder`, EXIT.usage);
  return { path: file, directory: stat.isDirectory() };
}

function readParams(file: string): Record<string, unknown> {
  let params: unknown;
  try {
    const text = readFileSync(file, 'utf8');
    // A JSON job order keeps its numbers exactly (docs/formats.md, "Numbers"); YAML's are JavaScript numbers.
    params = /\.json$/i.test(file) ? parseExactJson(text) : parse(text);
  } catch (error) {
    throw new CliError(`--params ${file}: ${(error as Error).message}`, EXIT.usage);
  }
  if (typeof params !== 'object' || params === null || Array.isArray(params))
    throw new CliError(`--params ${file}: not an object of parameters`, EXIT.usage);
  return params as Record<string, unknown>;
}

/** The POST /runs form for a workflow given on the command line, its files and inputs attached. */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { parseExactJson, stringifyExactJson } from '../../domain/exact-json';
import { attachmentName, commonRoot, filesUnder, type Attachment } from './attachments';
import { CliError, EXIT } from './exit-codes';
import { inputFiles, type InputFile } from './input-files';
import { localPath } from './local-path';
import { workflowFiles } from './workflow-files';
import { guessWorkflowType } from './workflow-type';

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
}

export function runForm(workflow: string, options: RunFormOptions): FormData {
  // A URL (http:, https:, trs:, ...) is the server's to fetch; anything else is a file here.
  const local = localPath(workflow, process.cwd());
  if (local !== undefined && !statSync(local, { throwIfNoEntry: false })?.isFile())
    throw new CliError(`${workflow}: no such file`, EXIT.usage);
  const guessed = guessWorkflowType(workflow, local);
  const type = options.type ?? guessed.type;
  const version = options.typeVersion ?? (options.type === undefined || options.type === guessed.type ? guessed.version : undefined);
  if (!type) throw new CliError(`cannot tell the workflow type of ${workflow}: give --type`, EXIT.usage);
  if (!version) throw new CliError(`give the version of ${type} with --type-version`, EXIT.usage);

  const params = options.params === undefined ? {} : readParams(options.params);
  const inputs = options.params === undefined ? [] : inputFiles(params, path.dirname(path.resolve(options.params)));
  const { attachments, workflowUrl } = attach(local, inputs);

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
 * The files to upload: the local workflow's own and the inputs' (a directory's every file), each
 * named by its path below the deepest directory that holds them all; the inputs' locations in the
 * parameters become those names. `workflowUrl`: the local workflow's name among them.
 */
function attach(local: string | undefined, inputs: InputFile[]): { attachments: Attachment[]; workflowUrl?: string } {
  const workflowFileList = local === undefined ? [] : workflowFiles(local);
  const entries = [...workflowFileList.map((file) => ({ path: file, directory: false })), ...inputs];
  if (entries.length === 0) return { attachments: [] };
  const root = commonRoot(entries);
  for (const input of inputs) input.rename(attachmentName(root, input.path));
  const files = new Set([...workflowFileList, ...inputs.flatMap((input) => (input.directory ? filesUnder(input.path) : [input.path]))]);
  return {
    attachments: [...files].map((file) => ({ path: file, name: attachmentName(root, file) })),
    workflowUrl: local === undefined ? undefined : attachmentName(root, local),
  };
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

/**
 * A run's WES RunRequest as the multipart form of POST /runs: fields as JSON strings, as WES says,
 * and every regular file the API staged under staging/attachments/ as a `workflow_attachment` part
 * named by its relative path.
 */
import { openAsBlob } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { InvalidRunRequestError } from '../../errors';
import { forwardedTags } from '../../run-tags';
import { ATTACHMENTS_DIR } from '../../work-dir';
import type { ProviderRun, WesRunRequest } from '../../../domain/run-types';
import { stringifyExactJson } from '../../../domain/exact-json';
import type { RunForm } from './client';

export interface Attachment {
  /** The `/`-separated path relative to the attachments dir. */
  name: string;
  content: Blob;
}

/** The form's fields (without the attachments): what the spec types, for the typed client. */
export function runFormFields({ request, runId }: ProviderRun): RunForm {
  return {
    // Some servers (wes-service) require workflow_params; an empty job order is what none means.
    workflow_params: stringifyExactJson(request.workflow_params ?? {}),
    workflow_type: request.workflow_type,
    workflow_type_version: request.workflow_type_version,
    tags: JSON.stringify(forwardedTags(request, runId)),
    workflow_engine: request.workflow_engine,
    workflow_engine_version: request.workflow_engine_version,
    workflow_engine_parameters: request.workflow_engine_parameters && JSON.stringify(request.workflow_engine_parameters),
    workflow_url: request.workflow_url,
  };
}

/** The form itself: the fields that are set, then the attachments. */
export function multipartForm(fields: RunForm = {}, attachments: Attachment[] = []): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) if (typeof value === 'string') form.append(name, value);
  for (const { name, content } of attachments) form.append('workflow_attachment', content, name);
  return form;
}

/**
 * The run's staged attachments, sorted by name. Symlinks and special files are never sent, nor
 * followed: an attachment must not reach outside the run.
 */
export async function stagedAttachments(workDir: string): Promise<Attachment[]> {
  const attachments: Attachment[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && prefix === '') return;
      throw err;
    }
    for (const entry of entries) {
      const [file, name] = [path.join(dir, entry.name), prefix === '' ? entry.name : `${prefix}/${entry.name}`];
      if (entry.isDirectory()) await walk(file, name);
      // Checked again right before reading: only regular files, never through a symlink.
      else if (entry.isFile() && (await lstat(file)).isFile()) attachments.push({ name, content: await openAsBlob(file) });
    }
  };
  await walk(path.join(workDir, ATTACHMENTS_DIR), '');
  return attachments.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** What a remote needs of any request; the remote checks the rest. */
export function validateWesRequest(request: WesRunRequest): void {
  for (const field of ['workflow_type', 'workflow_type_version', 'workflow_url'] as const) {
    if (request[field].trim() === '') throw new InvalidRunRequestError(`wes: ${field} is required`);
  }
}

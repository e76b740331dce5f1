/**
 * A run's output files: from GET /runs/{id}/outputs, or, from a server without that endpoint,
 * the File outputs its RunLog names (their locations are the server's; file:// ones can be
 * read only on its machine).
 */
import { basename } from 'node:path';
import type { RunLog } from './api-client';
import type { ApiClient } from './api-client';
import { CliError, EXIT } from './exit-codes';

export interface OutputFile {
  /** Relative to the run's outputs; where --download puts it. */
  path: string;
  size?: number;
  url: string;
}

export async function outputFiles(api: ApiClient, runId: string): Promise<OutputFile[]> {
  const run = `/runs/${encodeURIComponent(runId)}`;
  // Not found here is the run itself; not found below is the endpoint.
  const log = await api.json<RunLog>('GET', run);
  try {
    return (await api.json<{ files: OutputFile[] }>('GET', `${run}/outputs`)).files;
  } catch (error) {
    if (!(error instanceof CliError && error.code === EXIT.notFound)) throw error;
    return filesOfRunLog(log.outputs ?? {});
  }
}

function filesOfRunLog(outputs: Record<string, unknown>): OutputFile[] {
  const files: OutputFile[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (typeof value !== 'object' || value === null) return;
    const file = value as { class?: string; location?: string; path?: string; basename?: string; size?: number; secondaryFiles?: unknown };
    const url = file.location ?? (file.path === undefined ? undefined : `file://${file.path}`);
    if (file.class === 'File' && url !== undefined) {
      files.push({ path: file.basename ?? basename(new URL(url).pathname), size: file.size, url });
      visit(file.secondaryFiles);
      return;
    }
    Object.values(value).forEach(visit);
  };
  visit(outputs);
  return files;
}

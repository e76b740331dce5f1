/** A run's output files, as GET /runs/{id}/outputs lists them. */
import type { ApiClient } from './api-client';

export interface OutputFile {
  /** Relative to the run's outputs; where --download puts it. */
  path: string;
  size?: number;
  url: string;
}

export async function outputFiles(api: ApiClient, runId: string): Promise<OutputFile[]> {
  return (await api.json<{ files: OutputFile[] }>('GET', `/runs/${encodeURIComponent(runId)}/outputs`)).files;
}

/**
 * What the tests of WesProvider against a WES server (wes-service, sapporo, a scripted one) share:
 * runs made as the workflow's activities would hand them over, a worker's crash between the POST and
 * its record, and waiting on a run's status.
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { providerSettings, type WesSettings } from '../../activities/providers/config';
import { SUBMISSION_RECORD_FILE, WesProvider } from '../../activities/providers/wes';
import { runWorkDir } from '../../activities/work-dir';
import type { ProviderRun, ProviderStatus, WesRunRequest } from '../../domain/run-types';
import { isTerminalWesState } from '../../domain/wes-state';
import { eventually } from './eventually';

export const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');
export const HELLO_CWL = path.join(EXAMPLES, 'hello-world', 'hello.cwl');
export const FAIL_CWL = path.join(EXAMPLES, 'fail', 'fail.cwl');

export const hasEnded = (status: ProviderStatus): boolean => isTerminalWesState(status.state);

/** A provider for the remote at `baseUrl`, the other settings as given or their defaults. */
export function wesProvider(settings: Omit<Partial<WesSettings>, 'kind'> & { baseUrl: string }): WesProvider {
  return new WesProvider(providerSettings('wes', settings));
}

// Counts per test file (jest gives each its own module registry); the pid keeps files apart.
let runCount = 0;

export interface ProviderRunOptions {
  /** The data dir the run's work dir goes under (as the worker's data dir). */
  dataDir: string;
  /** The provider name the run is for. */
  provider: string;
  /** Laid over a CWL v1.2 request for `hello.cwl`. */
  request: Partial<WesRunRequest>;
}

/**
 * A run with an id of its own (`run-<pid>-<n>`) whose work dir holds the given files (attachment
 * name → source path) as its staged attachments.
 */
export async function makeProviderRun(
  { dataDir, provider, request }: ProviderRunOptions,
  attachments: Record<string, string> = {},
): Promise<ProviderRun> {
  const runId = `run-${process.pid}-${++runCount}`;
  const workDir = runWorkDir(dataDir, runId);
  for (const [name, source] of Object.entries(attachments)) {
    const target = path.join(workDir, 'staging', 'attachments', name);
    await mkdir(path.dirname(target), { recursive: true });
    await copyFile(source, target);
  }
  return {
    runId,
    provider,
    workDir,
    request: { workflow_type: 'CWL', workflow_type_version: 'v1.2', workflow_url: 'hello.cwl', ...request },
  };
}

/**
 * Cuts the run's submission record back to what a worker that died between the POST and the record
 * left behind: the attempt, without the remote run id. Returns the record's path.
 */
export async function forgetRemoteRunId(run: ProviderRun): Promise<string> {
  const file = path.join(run.workDir, SUBMISSION_RECORD_FILE);
  const { baseUrl, postAttempts, lastPostAt } = JSON.parse(await readFile(file, 'utf8'));
  await writeFile(file, JSON.stringify({ baseUrl, postAttempts, lastPostAt }));
  return file;
}

export interface PollStatusOptions {
  /** When to stop polling; by default, once the run has ended. */
  until?: (status: ProviderStatus) => boolean;
  timeoutMs?: number;
  /** What the server printed, added to the time-out's message. */
  serverOutput?: () => string;
}

/** Polls the run's status, at the provider's interval, until `until` holds; throws at the deadline. */
export async function pollStatus(
  provider: WesProvider,
  run: ProviderRun,
  { until = hasEnded, timeoutMs = 90_000, serverOutput }: PollStatusOptions = {},
): Promise<ProviderStatus> {
  return eventually(() => provider.status(run), until, {
    timeoutMs,
    intervalMs: provider.pollIntervalMs,
    what: `run ${run.runId}'s status`,
  }).catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(serverOutput ? `${message}\n${serverOutput()}` : message);
  });
}

/** A remote run's log as the run's results: its outputs, and its log under our name for it. */
import path from 'node:path';
import type { RunLog, RunResults } from '../../../domain/run-types';
import type { RemoteRunLog } from './client';

/** Beyond this, a log the remote gives inline (not as a URL) is cut to its tail. */
const INLINE_LOG_MAX_CHARS = 16_384;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item) => typeof item === 'string') : []);

export function isUrl(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value.trim());
}

/** A log the remote gave: a URL as it is, inline text cut to its tail. */
function logRef(value: string | undefined): string | undefined {
  if (value === undefined || isUrl(value) || value.length <= INLINE_LOG_MAX_CHARS) return value;
  return `[first ${value.length - INLINE_LOG_MAX_CHARS} characters cut]\n${value.slice(-INLINE_LOG_MAX_CHARS)}`;
}

/**
 * The run log in a remote's answer, each field kept only when it is what WES says it is: the types
 * say what a WES server answers, but a remote may answer anything.
 */
export function remoteLog({ run_log: given }: RemoteRunLog): RunLog {
  const runLog: Record<string, unknown> = isObject(given) ? given : {};
  const log: RunLog = {};
  for (const key of ['name', 'start_time', 'end_time', 'stdout', 'stderr'] as const) {
    if (nonEmpty(runLog[key])) log[key] = runLog[key];
  }
  for (const key of ['cmd', 'system_logs'] as const) if (Array.isArray(runLog[key])) log[key] = strings(runLog[key]);
  if (typeof runLog.exit_code === 'number') log.exit_code = runLog.exit_code;
  return log;
}

/**
 * WES 1.1 outputs are an object; some servers (sapporo) answer a list of `{file_name, file_url}`,
 * which becomes an object of CWL-style File entries keyed by file name.
 */
function outputsOf(outputs: unknown): Record<string, unknown> {
  if (isObject(outputs)) return outputs;
  if (!Array.isArray(outputs)) return {};
  const files = outputs.filter(
    (item): item is { file_name: string; file_url: string } =>
      isObject(item) && typeof item.file_name === 'string' && typeof item.file_url === 'string',
  );
  return Object.fromEntries(
    files.map(({ file_name, file_url }) => [file_name, { class: 'File', location: file_url, basename: path.posix.basename(file_name) }]),
  );
}

/** The results of remote run `id`, at `runUrl`, from its run log. */
export function runResults(id: string, runUrl: string, remote: RemoteRunLog): RunResults {
  const { name, cmd, system_logs = [], stdout, stderr, ...rest } = remoteLog(remote);
  const log: RunLog = { name: `wes:${name ?? id}`, system_logs: [`remote run: ${runUrl}`, ...system_logs], ...rest };
  if (cmd?.some((part) => part !== '')) log.cmd = cmd;
  if (stdout !== undefined) log.stdout = logRef(stdout);
  if (stderr !== undefined) log.stderr = logRef(stderr);
  return { outputs: outputsOf(remote.outputs), log };
}

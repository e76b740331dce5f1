/** The `durable-wes` command, run as a user runs it: bin/durable-wes.js as a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const BIN = path.resolve(__dirname, '../../bin/durable-wes.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  child: ChildProcess;
  /** What it printed so far. */
  output(): CliResult;
  done: Promise<CliResult>;
}

/** Starts the command against the API at `url`; the environment carries no DURABLE_WES_* but those given. */
export function startCli(
  args: string[],
  { url, env = {}, cwd }: { url?: string; env?: Record<string, string>; cwd?: string } = {},
): RunningCli {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('DURABLE_WES_')));
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...clean, ...(url === undefined ? {} : { DURABLE_WES_URL: url }), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (data) => (stdout += data));
  child.stderr.on('data', (data) => (stderr += data));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, output: () => ({ code: child.exitCode, stdout, stderr }), done };
}

export function runCli(args: string[], options: { url?: string; env?: Record<string, string>; cwd?: string } = {}): Promise<CliResult> {
  return startCli(args, options).done;
}

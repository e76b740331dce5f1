/** The production worker (src/worker.ts) as a separate process, to be killed and restarted. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { eventually } from './eventually';

const root = path.resolve(__dirname, '../..');

export interface WorkerProcess {
  child: ChildProcess;
  /** Its stdout and stderr, as they interleaved. */
  output(): string;
  /** Its stdout alone: the log. */
  stdout(): string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
}

export async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--require', 'ts-node/register/transpile-only', 'src/worker.ts'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stdout = '';
  child.stdout!.on('data', (chunk) => {
    output += chunk;
    stdout += chunk;
  });
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const polling = () => output.includes('polling task queue');
  // An exit and a timeout both end in the error below, which shows what the worker printed.
  await eventually(() => polling() || child.exitCode !== null, Boolean, { timeoutMs: 60_000, what: 'the worker to poll' }).catch(() => undefined);
  if (!polling()) throw new Error(`worker did not start:\n${output}`);
  return { child, output: () => output, stdout: () => stdout, exited };
}

/** A process of the product run from its sources (ts-node), to be killed and restarted by tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { eventually } from './eventually';

const root = path.resolve(__dirname, '../..');

export interface SourceProcess {
  child: ChildProcess;
  /** Its stdout and stderr, as they interleaved. */
  output(): string;
  /** Its stdout alone: the log. */
  stdout(): string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
}

/**
 * Spawns `node <script>` (a path below the repository) and waits until `ready` holds, for at most
 * a minute. An exit or a timeout fails with what the process printed.
 */
export async function startSourceProcess(
  script: string,
  env: Record<string, string>,
  ready: (output: string) => boolean | Promise<boolean>,
  what: string,
): Promise<SourceProcess> {
  const child = spawn(process.execPath, ['--require', 'ts-node/register/transpile-only', script], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stdout = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const running = () => child.exitCode === null && child.signalCode === null;
  const up = await eventually(
    async () => running() && (await ready(output)),
    (value) => value || !running(),
    {
      timeoutMs: 60_000,
      intervalMs: 200,
      what,
    },
  ).catch(() => false);
  if (!up) {
    if (running()) child.kill('SIGKILL');
    throw new Error(`${script} did not start:\n${output}`);
  }
  return { child, output: () => output, stdout: () => stdout, exited };
}

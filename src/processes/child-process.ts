/**
 * A service's process as an Instance. In a process group of its own: a terminal's Ctrl-C then
 * reaches only the supervisor, which stops the services one after the other instead of all at once.
 */
import { spawn } from 'node:child_process';
import type { Exit, Instance } from './service';
import { stopProcess } from './stop-process';

export interface ChildOptions {
  env: NodeJS.ProcessEnv;
  /** Past this, stop() kills it. */
  stopTimeoutMs: number;
  /** When it is ready, given that it has been spawned; ready at once without. */
  ready?: (exited: Promise<Exit>) => Promise<void>;
}

export function startChild(command: string, args: string[], options: ChildOptions): Instance {
  const child = spawn(command, args, { env: options.env, detached: true, stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  // Without a pid it was not spawned (its 'error' event says why).
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${command} could not be started`);
  const running = () => child.exitCode === null && child.signalCode === null;
  const stop = async (): Promise<void> => {
    if (running()) await stopProcess(pid, exited, { timeoutMs: options.stopTimeoutMs });
  };
  return { pid, ready: options.ready?.(exited) ?? Promise.resolve(), exited, stop };
}

/**
 * How every process this project starts is stopped, whether it is a child of ours (the start
 * command's services, an embedded PostgreSQL) or a daemon of the loopback cluster known by its pid
 * file: its stop signal, then SIGKILL for one still alive after the timeout.
 */
import type { Exit } from './service';

export interface StopOptions {
  /** SIGTERM unless the process stops faster on another (PostgreSQL's fast shutdown is SIGINT). */
  signal?: NodeJS.Signals;
  timeoutMs: number;
}

/** Resolves once `exited` has; true when it took SIGKILL. */
export async function stopProcess(pid: number, exited: Promise<unknown>, { signal = 'SIGTERM', timeoutMs }: StopOptions): Promise<boolean> {
  let killed = false;
  // One already gone takes no signal; its exit may still be on its way.
  const timer = signalled(pid, signal) && setTimeout(() => (killed = signalled(pid, 'SIGKILL')), timeoutMs);
  await exited;
  if (timer) clearTimeout(timer);
  return killed;
}

/**
 * The end of a process that is not our child, seen by polling (only a parent learns the exit
 * status): `alive` says whether it still runs, e.g. that its pid is still the one we started.
 */
export async function polledExit(alive: () => boolean, intervalMs = 250): Promise<Exit> {
  while (alive()) await new Promise((resolve) => setTimeout(resolve, intervalMs));
  return { code: null, signal: null };
}

export function isAlive(pid: number): boolean {
  return signalled(pid, 0);
}

/** False when there is no such process (any more). */
function signalled(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

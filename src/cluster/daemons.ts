/**
 * The loopback cluster's processes: they outlive the command that started them, each known by a
 * name, with a pid file in <cluster dir>/run and a log in <cluster dir>/logs. Readiness and stop
 * are the start command's own (src/processes/wait-ready.ts, stop-process.ts).
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isAlive, polledExit, stopProcess } from '../processes/stop-process';
import { waitReady } from '../processes/wait-ready';

const WAIT_MS = 120_000;
const STOP_TIMEOUT_MS = 30_000;

/** What the cluster commands report and fail with. */
export class ClusterError extends Error {}

export class Daemons {
  readonly runDir: string;
  readonly logDir: string;

  constructor(readonly clusterDir: string) {
    this.runDir = path.join(clusterDir, 'run');
    this.logDir = path.join(clusterDir, 'logs');
  }

  pidFile(name: string): string {
    return path.join(this.runDir, `${name}.pid`);
  }

  logFile(name: string): string {
    return path.join(this.logDir, `${name}.log`);
  }

  /** The pid its file records, alive or not. */
  recordedPid(name: string): number | undefined {
    const pid = Number(existsSync(this.pidFile(name)) ? readFileSync(this.pidFile(name), 'utf8').trim() : '');
    return pid || undefined;
  }

  /**
   * Alive, and still ours: a recycled pid would not name this cluster's directory in its command
   * line or its environment.
   */
  runningPid(name: string): number | undefined {
    const pid = this.recordedPid(name);
    if (!pid || !isAlive(pid)) return undefined;
    const proc = ['cmdline', 'environ'].map((file) => {
      try {
        return readFileSync(`/proc/${pid}/${file}`, 'latin1');
      } catch {
        return '';
      }
    });
    return proc.some((text) => text.split('\0').some((entry) => entry.includes(this.clusterDir))) ? pid : undefined;
  }

  record(name: string, pid: number): void {
    mkdirSync(this.runDir, { recursive: true });
    writeFileSync(this.pidFile(name), `${pid}\n`);
  }

  /** In a session of its own (setsid), so that it outlives this command; stopped only by `down` or `kill`. */
  launch(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): void {
    mkdirSync(this.logDir, { recursive: true });
    const log = openSync(this.logFile(name), 'a');
    const child = spawn(command, args, {
      env: { ...env, DURABLE_WES_CLUSTER_DIR: this.clusterDir },
      detached: true,
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    child.unref();
    // Without a pid it was not spawned (its 'error' event says why).
    if (child.pid === undefined) throw new ClusterError(`${name}: ${command} could not be started`);
    this.record(name, child.pid);
  }

  /** Where this start's lines begin in its log (a worker's readiness is a line of its log). */
  logSize(name: string): number {
    return existsSync(this.logFile(name)) ? statSync(this.logFile(name)).size : 0;
  }

  /** Until `passes`; fails when the process exits first or after 120 s, naming its log. */
  async waitFor(what: string, name: string, passes: () => Promise<boolean>): Promise<void> {
    let waiting = true;
    // Stops watching once the wait is over, or it would keep this command alive.
    const exited = polledExit(() => waiting && this.runningPid(name) !== undefined, 500);
    try {
      await waitReady({ what, passes, timeoutMs: WAIT_MS, intervalMs: 500 }, exited);
    } catch (err) {
      throw new ClusterError(`${name}: ${(err as Error).message}; see ${this.logFile(name)}`);
    } finally {
      waiting = false;
    }
  }

  /** Together: each its stop signal (SIGTERM unless `signalOf` says otherwise), SIGKILL past 30 s. */
  async stop(names: string[], signalOf: (name: string) => NodeJS.Signals = () => 'SIGTERM'): Promise<void> {
    await Promise.all(
      names.map(async (name) => {
        const pid = this.runningPid(name);
        rmSync(this.pidFile(name), { force: true });
        if (!pid) return;
        const exited = polledExit(() => isAlive(pid), 500);
        if (await stopProcess(pid, exited, { signal: signalOf(name), timeoutMs: STOP_TIMEOUT_MS })) {
          console.error(`pid ${pid} did not stop within ${STOP_TIMEOUT_MS / 1000} s: killed`);
        }
      }),
    );
  }

  /** SIGKILL: the chaos scenarios' fault. */
  kill(name: string): void {
    const pid = this.runningPid(name);
    if (!pid) throw new ClusterError(`${name} is not running`);
    process.kill(pid, 'SIGKILL');
    console.error(`killed ${name} (pid ${pid})`);
  }
}

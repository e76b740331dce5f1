/**
 * One detached process whose whole life is recorded in a directory, so that a worker that restarts
 * (or another worker on the same host) re-attaches to it instead of starting it again.
 *
 * The process is `sh -c SCRIPT sh <dir> <argv...>` in its own session, so its pid is also the id of
 * its process group and everything it starts can be signalled at once. The script is constant; the
 * directory and the command reach it only as positional parameters. Files in the directory:
 *
 *   launch.lock       taken (open 'wx') by the one launcher; never released once the process exists
 *   pid               written by the shell itself, atomically, before it runs anything
 *   process.json      {pid, startTicks, host, cmd, startedAt}, written by the launcher after spawning
 *   stdout.log, stderr.log
 *   exit_code         written atomically by the shell when the command ends; absent if it was killed
 *   cancel_requested  marker written by stop(); the shell checks it before running the command
 *   launches.log      one line per real spawn, an audit trail, written by the shell itself: a
 *                     launcher killed right after spawning cannot leave a spawn unrecorded
 *
 * Liveness comes from /proc, so it is only meaningful on the host that launched the process.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { link, mkdir, open, readFile, readdir, rm, stat, watch, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { readFileIfExists, writeFileAtomic } from '../../work-dir';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

// Checking the marker after publishing the pid closes the race with stop(): either stop() sees the
// pid and signals the group, or the shell sees the marker and runs nothing. With a cap ($2 > 0) each
// stream goes through a fifo to a reader that keeps its first $2 bytes, drops the rest (reading on,
// so the command never blocks on a full pipe; unbuffered, so the log is as fresh as without a cap) and says so; the command still runs in the foreground,
// so its exit code is the one written. The readers end with the last writer: the command and its
// children (a sandbox's pid namespace ends them all with it).
const SCRIPT = [
  'd=$1; cap=$2; shift 2',
  'echo $$ >"$d/pid.tmp" && mv "$d/pid.tmp" "$d/pid" || exit 125',
  'echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) host=$(uname -n) pid=$$ launcher=$PPID" >>"$d/launches.log"',
  '[ -e "$d/cancel_requested" ] && exit 0',
  'if [ "$cap" -gt 0 ]; then',
  '  keep() { stdbuf -o0 head -c "$cap"; if [ "$(dd bs=1 count=1 2>/dev/null | wc -c)" -gt 0 ]; then printf "\\n[durable-wes: %s was cut at %s bytes: the rest was dropped]\\n" "$1" "$cap"; cat >/dev/null; fi; }',
  '  rm -f "$d/stdout.fifo" "$d/stderr.fifo" && mkfifo -m 600 "$d/stdout.fifo" "$d/stderr.fifo" || exit 125',
  '  keep stdout <"$d/stdout.fifo" >"$d/stdout.log" &',
  '  keep stderr <"$d/stderr.fifo" >"$d/stderr.log" &',
  '  "$@" >"$d/stdout.fifo" 2>"$d/stderr.fifo"',
  '  code=$?',
  '  wait',
  'else',
  '  "$@" >"$d/stdout.log" 2>"$d/stderr.log"',
  '  code=$?',
  'fi',
  'echo $code >"$d/exit_code.tmp" && mv "$d/exit_code.tmp" "$d/exit_code"',
].join('\n');

/** Files whose changes say nothing of the process's state. */
const OUTPUT_FILES = new Set(['stdout.log', 'stderr.log', 'stdout.fifo', 'stderr.fifo']);

/** A lock this old with no pid beside it belongs to a launcher that died before spawning. */
const STALE_LOCK_MS = 10_000;
const LOCK_POLL_MS = 100;
/** How long a launch waits for the shell to record its spawn (it does so before anything else runs). */
const RECORD_WAIT_MS = 5_000;
const RECORD_POLL_MS = 10;

export interface ProcessLaunch {
  pid: number;
  /** Field 22 of /proc/<pid>/stat; null when the process was already gone when recorded. */
  startTicks: number | null;
  host: string;
  cmd: string[];
  startedAt: string;
}

export type ProcessPhase =
  | { phase: 'not_started' }
  | { phase: 'running'; pid: number }
  | { phase: 'exited'; exitCode: number }
  /** Gone without an exit code: killed, or the host went down under it. */
  | { phase: 'died' };

export type ProcessInspection = ProcessPhase & { cancelRequested: boolean; launch?: ProcessLaunch };

interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  pgrp: number;
  startTicks: number;
}

async function readProcStat(pid: number | string): Promise<ProcStat | undefined> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may itself contain spaces and parentheses; it ends at the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return {
    pid: Number(pid),
    comm: text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')),
    state: fields[0],
    pgrp: Number(fields[2]),
    startTicks: Number(fields[19]),
  };
}

/** The processes of a group that can still run: zombies cannot, though kill(-pgid, 0) counts them. */
export async function liveGroupMembers(pgid: number): Promise<ProcStat[]> {
  const members: ProcStat[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readProcStat(entry);
    if (stat?.pgrp === pgid && stat.state !== 'Z') members.push(stat);
  }
  return members;
}

async function exists(file: string): Promise<boolean> {
  return (await readFileIfExists(file)) !== undefined;
}

function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

async function groupAlive(pgid: number): Promise<boolean> {
  return signalGroup(pgid, 0) && (await liveGroupMembers(pgid)).length > 0;
}

export class DetachedProcess {
  constructor(readonly dir: string) {}

  get stdoutPath(): string {
    return path.join(this.dir, 'stdout.log');
  }

  get stderrPath(): string {
    return path.join(this.dir, 'stderr.log');
  }

  get exitCodePath(): string {
    return path.join(this.dir, 'exit_code');
  }

  /**
   * Starts `cmd` in `cwd`, or returns the process already started from this directory. `logBytes`:
   * the most kept of each of its stdout and stderr (0: all).
   */
  async launch(cmd: string[], cwd: string, logBytes = 0): Promise<ProcessLaunch> {
    await mkdir(this.dir, { recursive: true });
    const lock = this.file('launch.lock');
    for (;;) {
      const existing = await this.launched();
      if (existing) return existing;
      try {
        const handle = await open(lock, 'wx');
        // The command is kept here so that a launch rebuilt from `pid` can still name it.
        await handle.writeFile(JSON.stringify(cmd));
        await handle.close();
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        if (await this.lockIsStale(lock)) await rm(lock, { force: true });
        else await sleep(LOCK_POLL_MS);
        continue;
      }
      // A launcher we took for dead may have spawned after all.
      return (await this.launched()) ?? (await this.spawn(cmd, cwd, lock, logBytes));
    }
  }

  /** How the process was launched (process.json); undefined before it was. */
  async launched(): Promise<ProcessLaunch | undefined> {
    const json = await readFileIfExists(this.file('process.json'));
    return json === undefined ? this.recoverLaunch() : (JSON.parse(json) as ProcessLaunch);
  }

  /** The launcher died right after spawning: its launch rebuilt from `pid`, and saved. */
  private async recoverLaunch(): Promise<ProcessLaunch | undefined> {
    const pidText = await readFileIfExists(this.file('pid'));
    if (pidText === undefined) return undefined;
    const pid = Number(pidText.trim());
    const launch: ProcessLaunch = {
      pid,
      startTicks: (await readProcStat(pid))?.startTicks ?? null,
      host: os.hostname(),
      cmd: await this.lockedCmd(),
      startedAt: (await stat(this.file('pid'))).mtime.toISOString(),
    };
    // Create-if-absent: a launcher that is merely slow writes its authoritative record over this one.
    const tmp = `${this.file('process.json')}.${randomUUID()}.tmp`;
    await writeFile(tmp, JSON.stringify(launch));
    try {
      await link(tmp, this.file('process.json'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      await rm(tmp, { force: true });
    }
    return launch;
  }

  async inspect(): Promise<ProcessInspection> {
    const cancelRequested = await exists(this.file('cancel_requested'));
    const launch = await this.launched();
    if (launch && launch.host !== os.hostname()) {
      // Not an answer to give from here: /proc on this host knows nothing of that pid.
      throw new Error(`process was launched on ${launch.host}, cannot inspect it from ${os.hostname()}`);
    }
    const exited = async (): Promise<ProcessInspection | undefined> => {
      const code = await readFileIfExists(this.exitCodePath);
      return code === undefined ? undefined : { phase: 'exited', exitCode: Number(code.trim()), cancelRequested, launch };
    };
    const done = await exited();
    if (done) return done;
    if (!launch) return { phase: 'not_started', cancelRequested };
    if (await this.leaderAlive(launch)) return { phase: 'running', pid: launch.pid, cancelRequested, launch };
    // The shell writes exit_code just before it exits: look again now that it is gone.
    return (await exited()) ?? { phase: 'died', cancelRequested, launch };
  }

  /**
   * Resolves as soon as the process's state may have changed (a file other than its output logs is
   * written: its exit code, a cancel marker), or after `ms`, or when `signal` aborts. Lets a poll
   * hear of the exit at once instead of at its next interval.
   */
  async changed(ms: number, signal: AbortSignal): Promise<void> {
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), ms);
    const abort = () => stop.abort();
    signal.addEventListener('abort', abort, { once: true });
    try {
      const events = watch(this.dir, { signal: stop.signal })[Symbol.asyncIterator]();
      // The watch begins only with the first request for an event: asked for before the look for
      // an exit written earlier, so that an exit between the two is not missed until the timeout.
      const first = events.next();
      first.catch(() => undefined);
      if (await exists(this.exitCodePath)) return;
      for (let event = await first; !event.done; event = await events.next()) {
        if (!OUTPUT_FILES.has(event.value.filename ?? '')) return;
      }
    } catch (err) {
      if ((err as Error).name !== 'AbortError') throw err;
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', abort);
      stop.abort();
    }
  }

  /** Cancels: SIGTERM to the whole group, SIGKILL after `graceMs`. Leaves an ended process as it ended. */
  async stop(graceMs: number): Promise<void> {
    const before = await this.inspect();
    if (before.phase === 'exited' || before.phase === 'died') return;
    await writeFileAtomic(this.file('cancel_requested'), new Date().toISOString());
    const launch = await this.launched();
    if (!launch || !(await this.ownsGroup(launch))) return;
    signalGroup(launch.pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline) {
      if (!(await groupAlive(launch.pid))) return;
      await sleep(100);
    }
    signalGroup(launch.pid, 'SIGKILL');
    // SIGKILL cannot be caught, but dying still takes the kernel a moment: longer for a sandbox,
    // whose pid and mount namespaces are torn down with it (seconds on a loaded host).
    for (let i = 0; i < 100 && (await groupAlive(launch.pid)); i++) await sleep(50);
  }

  /** SIGKILLs whatever is left of the group: children the command left running after it ended. */
  async killLeftovers(): Promise<void> {
    const launch = await this.launched();
    if (!launch || !(await this.ownsGroup(launch))) return;
    if (await groupAlive(launch.pid)) signalGroup(launch.pid, 'SIGKILL');
  }

  private async spawn(cmd: string[], cwd: string, lock: string, logBytes: number): Promise<ProcessLaunch> {
    const child = spawn('sh', ['-c', SCRIPT, 'sh', this.dir, String(logBytes), ...cmd], { cwd, detached: true, stdio: 'ignore' });
    const pid = child.pid;
    if (pid === undefined) {
      const error = await new Promise<Error>((resolve) => child.once('error', resolve));
      // Nothing runs, so the next attempt may launch.
      await rm(lock, { force: true });
      throw error;
    }
    child.unref();
    const launch: ProcessLaunch = {
      pid,
      startTicks: (await readProcStat(pid))?.startTicks ?? null,
      host: os.hostname(),
      cmd,
      startedAt: new Date().toISOString(),
    };
    await writeFileAtomic(this.file('process.json'), JSON.stringify(launch));
    await this.untilRecorded(pid);
    return launch;
  }

  /** Until the shell's line for `pid` is in launches.log, so that a returned launch is an audited one. */
  private async untilRecorded(pid: number): Promise<void> {
    const recorded = async () => (await readFileIfExists(this.file('launches.log')))?.includes(`pid=${pid} `) ?? false;
    for (let waited = 0; waited < RECORD_WAIT_MS; waited += RECORD_POLL_MS) {
      // A shell gone without its line failed before running anything.
      if ((await recorded()) || !(await groupAlive(pid))) return;
      await sleep(RECORD_POLL_MS);
    }
  }

  private async lockedCmd(): Promise<string[]> {
    try {
      return JSON.parse((await readFileIfExists(this.file('launch.lock'))) ?? '[]') as string[];
    } catch {
      return [];
    }
  }

  private async lockIsStale(lock: string): Promise<boolean> {
    try {
      return Date.now() - (await stat(lock)).mtimeMs > STALE_LOCK_MS;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  private async leaderAlive(launch: ProcessLaunch): Promise<boolean> {
    const stat = await readProcStat(launch.pid);
    return stat !== undefined && stat.state !== 'Z' && stat.startTicks === launch.startTicks;
  }

  /**
   * Whether signalling -pid would reach our group, not one that reused the number. While any member
   * of a group lives its id cannot be handed out again, so an absent leader is no evidence of reuse.
   */
  private async ownsGroup(launch: ProcessLaunch): Promise<boolean> {
    if (launch.host !== os.hostname()) return false;
    const stat = await readProcStat(launch.pid);
    return stat === undefined || stat.startTicks === launch.startTicks;
  }

  private file(name: string): string {
    return path.join(this.dir, name);
  }
}

/** The engine process of a local run; the API reads its logs from here while it runs. */
export function localProcess(workDir: string): DetachedProcess {
  return new DetachedProcess(path.join(workDir, 'process'));
}

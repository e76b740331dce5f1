/**
 * What the third-party servers the tests talk to (wes-service, sapporo) have in common: a PyPI
 * package installed, once, into a venv of its own, and a server run from it on loopback, in a temp
 * dir and a process group of its own, so that stopping it ends everything it started.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { userCacheDir } from '../../src/config/user-cache';
import { eventually } from './eventually';

/** How much of what a peer prints is kept for failure messages. */
const OUTPUT_TAIL_BYTES = 64 * 1024;
/** The installer of the engines' venvs, which locks, checks and marks a venv the same way. */
const INSTALL_VENV = path.resolve(__dirname, '../../scripts/install-engine.sh');

const run = promisify(execFile);

export interface VenvPackage {
  /** Names its venv, e.g. `sapporo`. */
  name: string;
  /** What pip installs, e.g. `sapporo==2.4.0`. */
  spec: string;
  /** A console script the package puts in `<venv>/bin`: a venv without it is not the one wanted. */
  executable: string;
  /** The interpreter the venv is made with; python3 on PATH when not given. */
  python?: string;
  /** Where the venv is (or goes), instead of the machine's cache. */
  venv?: string;
}

/**
 * The venv dir, with `spec` installed in it first when it is not there yet. Kept in the machine's
 * cache (src/config/user-cache.ts), under a name that holds the spec and the interpreter, as the
 * Temporal CLI is: a clean clone (CI) does not install the same pinned tools again. Installed by
 * scripts/install-engine.sh, under its lock: the cluster suites and the jest suites, which run at
 * once, install a venv once, and a half-done install is made again.
 */
export function ensureVenvPackage({ name, spec, executable, python, venv }: VenvPackage): Promise<string> {
  const key = createHash('sha256')
    .update(`${spec}\n${python ?? ''}`)
    .digest('hex')
    .slice(0, 12);
  const dir = venv ?? path.join(userCacheDir(), 'venvs', `${name}-${key}`);
  let ensuring = ensured.get(dir);
  if (!ensuring) {
    ensuring = install(dir, spec, executable, python, name);
    ensured.set(dir, ensuring);
    // A failed install is tried again by the next caller.
    ensuring.catch(() => ensured.delete(dir));
  }
  return ensuring;
}

/** The venvs this process has made sure of: each is checked once, not at every server a test starts. */
const ensured = new Map<string, Promise<string>>();

async function install(dir: string, spec: string, executable: string, python: string | undefined, name: string): Promise<string> {
  await run('bash', [INSTALL_VENV, dir, spec], {
    env: { ...process.env, VENV_PYTHON: python ?? 'python3', VENV_WHAT: name },
    maxBuffer: 16 * 1024 * 1024,
  });
  if (!existsSync(path.join(dir, 'bin', executable))) throw new Error(`${dir}: ${spec} is installed, but bin/${executable} is not there`);
  return dir;
}

/**
 * A fresh temp dir for one peer (`<os tmpdir>/<prefix>XXXXXX`), with a `tmp/` in it that the peer
 * is given as TMPDIR. `startPeer` runs the peer in it and removes it when the peer stops.
 */
export async function makePeerDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  await mkdir(path.join(dir, 'tmp'));
  return dir;
}

export interface PeerOptions {
  /** For error messages, e.g. `wes-server`. */
  name: string;
  command: string;
  args: string[];
  /** From `makePeerDir`: the peer's working dir, removed when it stops. */
  dir: string;
  /** The environment it runs in (process.env when not given); TMPDIR and Python's settings are added. */
  env?: NodeJS.ProcessEnv;
  /** It has started when a GET of this answers 2xx. */
  readyUrl: string;
  startTimeoutMs?: number;
  /** How long its process group has, after SIGTERM, before SIGKILL. */
  stopGraceMs: number;
  /**
   * Whether what the peer started is given the rest of that grace to end once the peer itself has
   * exited (sapporo's run script stops its engines itself); otherwise it is killed at once.
   */
  letGroupFinish?: boolean;
}

export interface Peer {
  /** What the peer printed so far (for failure messages). */
  output: () => string;
  /** Ends its process group and removes its dir. */
  stop: () => Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Signals the child's process group; false when the group is gone (signal 0 only asks). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals | 0): boolean {
  if (child.pid === undefined) return false;
  try {
    process.kill(-child.pid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    return false;
  }
}

/** Starts the peer in a process group of its own and waits until `readyUrl` answers. */
export async function startPeer(options: PeerOptions): Promise<Peer> {
  const { name, dir, readyUrl } = options;
  const child = spawn(options.command, options.args, {
    cwd: dir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...(options.env ?? process.env), TMPDIR: path.join(dir, 'tmp'), PYTHONWARNINGS: 'ignore', PYTHONUNBUFFERED: '1' },
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_TAIL_BYTES);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);

  const peer: Peer = {
    output: () => output,
    async stop() {
      killGroup(child, 'SIGTERM');
      const deadline = Date.now() + options.stopGraceMs;
      const killed = setTimeout(() => killGroup(child, 'SIGKILL'), options.stopGraceMs);
      await exited(child);
      if (options.letGroupFinish) {
        // Past the grace the group is killed below, finished or not.
        const grace = { timeoutMs: deadline - Date.now(), what: `the process group of ${name} to end` };
        await eventually(() => !killGroup(child, 0), Boolean, grace).catch(() => undefined);
      }
      clearTimeout(killed);
      // What the peer started may outlive it: it is in its group.
      killGroup(child, 'SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };

  const answer = await eventually(
    async () => {
      if (child.exitCode !== null || child.signalCode !== null) return 'exited';
      const response = await fetch(readyUrl, { signal: AbortSignal.timeout(2000) });
      await response.text();
      return response.ok ? 'ready' : 'starting';
    },
    (state) => state !== 'starting',
    { timeoutMs: options.startTimeoutMs ?? 60_000, intervalMs: 200, what: `${name} to answer on ${readyUrl}` },
  ).catch(() => 'silent');
  if (answer === 'ready') return peer;
  await peer.stop();
  if (answer === 'exited') throw new Error(`${name} exited (${String(child.exitCode ?? child.signalCode)}) before answering:\n${output}`);
  throw new Error(`${name} did not answer on ${readyUrl} in time:\n${output}`);
}

/**
 * A warm start for cwltool (docs/design.md, "The warm cwltool"). A fresh cwltool spends most of a
 * short run's CPU importing itself and parsing the CWL metaschema; a server per worker process does
 * that once (cwltool-warm-server.py) and forks a child per run. The run's process stays what it was
 * (local/process.ts): only the executable in its argv changes, to a small client
 * (cwltool-warm-client.py) that hands the run to the server and exits with its exit code, or execs
 * the real cwltool when no server takes it. So a warm start is never a new way for a run to fail.
 *
 * The server is started by the first run that wants it, from the Python that runs the cwltool
 * script (its shebang), with a pipe on its stdin: it exits when the worker does, and after
 * IDLE_SECONDS without a run. Its children, the engines of runs in flight, go on without it.
 *
 * With the sandbox on, the client runs inside the run's sandbox (its script, the server's socket and
 * the record bound in) and the server's child enters that sandbox before it loads the run
 * (cwltool_warm_sandbox.py): the engine is as confined as a cold one.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { activityLog } from '../../../activity-log';
import { errorMessage } from '../../../errors';
import { repoRoot } from '../../../repo-root';
import type { LocalSettings } from '../settings';
import type { Bind } from '../sandbox/command';
import { processIds, sandboxHost, type RunIdentity } from '../sandbox/host';
import { onPath, shebangWords } from '../sandbox/mounts';

const SERVER = path.join(repoRoot, 'activities', 'providers', 'local', 'engines', 'cwltool-warm-server.py');
const CLIENT = path.join(repoRoot, 'activities', 'providers', 'local', 'engines', 'cwltool-warm-client.py');
/** Written by the client in the run's process dir: `warm pid=<engine pid>` or `cold: <why>`. */
export const WARM_RECORD = 'engine_start';
/** How long a run waits for a server that is loading cwltool (a second or two) before it goes cold. */
const READY_WAIT_MS = 30_000;
/** An idle server gives its memory back; the next run starts another. */
const IDLE_SECONDS = 600;
/** A server that died is started again by a run, but not more often than this. */
const RESTART_AFTER_MS = 10_000;
/**
 * All the server gets of the worker's environment: it holds no secret (DATABASE_URL, tokens) that a
 * sandboxed engine, its fork, could find in its memory. The engine's own is the client's.
 */
const SERVER_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'];

interface Ready {
  socket: string;
  python: string;
  /** Who the runs are, when they run sandboxed. */
  identity?: RunIdentity;
}

/** The interpreter (and its options) of a Python script's `#!` line; undefined for anything else. */
async function pythonOf(script: string): Promise<string[] | undefined> {
  const words = await shebangWords(script);
  if (!words || !/^python[0-9.]*$/.test(path.basename(words[0] ?? ''))) return undefined;
  const python = await onPath(words[0]);
  return python ? [python, ...words.slice(1)] : undefined;
}

export class WarmServer {
  private ready?: Promise<Ready | string>;
  /** Why this cwltool is never warm, once the server said so. */
  private unsupported?: string;
  private diedAt = 0;
  private dir?: string;

  constructor(
    private readonly executable: string,
    private readonly sandbox: LocalSettings['sandbox'],
  ) {}

  /** Starts the server unless it runs, is starting, or cannot run here. */
  start(): void {
    if (this.ready || this.unsupported || Date.now() - this.diedAt < RESTART_AFTER_MS) return;
    this.ready = this.spawn().catch((err: unknown) => `could not start: ${errorMessage(err)}`);
  }

  /** The server to hand a run to, waiting a bounded time for one that is starting; else why not. */
  async get(): Promise<Ready | string> {
    this.start();
    if (!this.ready) return this.unsupported ?? 'the warm server died a moment ago';
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`not ready after ${READY_WAIT_MS} ms`), READY_WAIT_MS);
    });
    try {
      return await Promise.race([this.ready, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The socket's directory, one for the life of this process: a launch may have bound it into a
   * sandbox just as its server dies, and there the client must find no socket (and start cold),
   * not make bwrap fail on a missing directory. A server that starts again binds the same path.
   */
  private async socketDir(identity: RunIdentity | undefined): Promise<string> {
    if (this.dir) return this.dir;
    const dir = await mkdtemp(path.join(os.tmpdir(), 'durable-wes-cwltool-'));
    if (identity?.dropsRoot) {
      // The runs' user reaches the socket through it, from inside their sandboxes; no one else does.
      await chown(dir, processIds().uid, identity.gid);
      await chmod(dir, 0o710);
    }
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return (this.dir = dir);
  }

  private async spawn(): Promise<Ready | string> {
    const script = await onPath(this.executable);
    const interpreter = script && (await pythonOf(script));
    if (!script || !interpreter) {
      this.unsupported = `${this.executable} is not a Python script`;
      return this.unsupported;
    }
    const identity = this.sandbox === 'off' ? undefined : await sandboxHost(this.sandbox.user);
    const socket = path.join(await this.socketDir(identity), 'server.sock');
    const [python, ...options] = interpreter;
    const env = Object.fromEntries(SERVER_ENV.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]]])));
    const args = [...options, SERVER, script, socket, String(IDLE_SECONDS), ...(identity ? [String(identity.uid)] : [])];
    const child = spawn(python, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
    // It must not keep the worker alive; its stdin is how it learns that the worker is gone.
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as { unref(): void }).unref();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-4096)));
    const exited = new Promise<string>((resolve) => {
      const gone = (why: string, crashed: boolean) => {
        this.ready = undefined;
        // An idle server, or one whose worker is stopping, exits 0; only a crash holds restarts back.
        if (crashed) this.diedAt = Date.now();
        resolve(why);
      };
      child.once('error', (err) => gone(`could not start ${python}: ${err.message}`, true));
      child.once('exit', (code, signal) => gone(`exited (${signal ?? String(code)}) ${stderr.trim()}`.trim(), code !== 0));
    });
    const said = new Promise<string>((resolve) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(out.split('\n')[0]);
      });
    });
    const first = await Promise.race([said, exited.then((why) => ({ why }))]);
    if (typeof first !== 'string') return first.why;
    const message = JSON.parse(first) as { ready?: boolean; unsupported?: string };
    if (message.unsupported !== undefined) {
      this.unsupported = message.unsupported;
      return message.unsupported;
    }
    activityLog().info('warm cwltool server ready', { pid: child.pid, socket, sandboxed: identity !== undefined });
    return { socket, python, identity };
  }
}

/** One server per cwltool and sandbox per process, shared by every local provider of the process. */
const servers = new Map<string, WarmServer>();

export function warmCwltool(executable: string, sandbox: LocalSettings['sandbox']): WarmServer {
  const key = JSON.stringify([executable, sandbox === 'off' ? 'off' : sandbox.user]);
  let server = servers.get(key);
  if (!server) servers.set(key, (server = new WarmServer(executable, sandbox)));
  return server;
}

/**
 * `cmd` (cwltool's argv) to launch: through the client when a server is there, else unchanged; and
 * what the client needs bound into the run's sandbox. `record` is the file where the client says
 * which start it took: made here, the one file of the run's process dir the sandbox shows.
 */
export async function warmCommand(server: WarmServer, cmd: string[], record: string): Promise<{ command: string[]; binds: Bind[] }> {
  const ready = await server.get();
  if (typeof ready === 'string') {
    activityLog().info('cwltool starts cold', { reason: ready });
    return { command: cmd, binds: [] };
  }
  await mkdir(path.dirname(record), { recursive: true });
  await writeFile(record, '');
  if (ready.identity?.dropsRoot) await chown(record, ready.identity.uid, ready.identity.gid);
  return {
    command: [ready.python, '-I', '-S', CLIENT, record, ready.socket, '--', ...cmd],
    binds: [
      { source: CLIENT, dest: CLIENT, readOnly: true },
      { source: path.dirname(ready.socket), dest: path.dirname(ready.socket), readOnly: true },
      { source: record, dest: record, readOnly: false },
    ],
  };
}

/** The engine's own argv of a launched command, whether it went through the client or not. */
export function engineCommand(cmd: string[]): string[] {
  return path.basename(cmd[3] ?? '') === path.basename(CLIENT) && cmd[6] === '--' ? cmd.slice(7) : cmd;
}

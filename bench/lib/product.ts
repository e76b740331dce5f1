/**
 * durable-wes started the way a user starts it, `node dist/src/main.js`, on a fresh data dir and
 * free loopback ports, with the demo run off. Its output goes to a log file in the data dir, which
 * is kept (and named) when the bench fails and removed when it succeeds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { embeddedPostgresUrl } from '../../src/database/embedded-postgres';
import { freePort } from '../../test/support/free-port';
import { REPO_ROOT, temporalDev } from './temporal-dev';
import { sleep, waitFor } from './time';
import { WesClient } from './wes-client';

const START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 60_000;

/** Settings the user's shell may carry that would point the product elsewhere than where the bench looks. */
const INHERITED_OVERRIDES = [
  'DATABASE_URL',
  'TEMPORAL_ADDRESS',
  'TEMPORAL_NAMESPACE',
  'WES_API_HOST',
  'WES_API_KEYS',
  'WES_JWT_JWKS_URL',
  'WES_JWT_ISSUER',
  'WES_JWT_AUDIENCE',
  'WES_JWT_OWNER_CLAIM',
  'WES_RATE_LIMIT',
  'WES_PROVIDERS',
  'WES_PROVIDERS_FILE',
  'WES_TASK_QUEUE',
  'WES_WORKFLOW_ROOTS',
];

/** The default providers (src/config/config.ts: the examples are the workflow root), the local one unsandboxed. */
const UNSANDBOXED_PROVIDERS = {
  default: 'local',
  providers: {
    local: { kind: 'local', workflowRoots: [path.join(REPO_ROOT, 'examples')], sandbox: 'off' },
    simulated: { kind: 'simulated' },
  },
};

/** The product's environment: the bench's, less INHERITED_OVERRIDES, with ports of its own. */
type ProductEnv = NodeJS.ProcessEnv & Record<'TEMPORAL_PORT' | 'WES_API_PORT' | 'WES_POSTGRES_PORT', string>;

export class Product {
  private constructor(
    readonly dataDir: string,
    readonly env: ProductEnv,
    readonly wes: WesClient,
    private readonly child: ChildProcess,
  ) {}

  get temporalAddress(): string {
    return `127.0.0.1:${this.env.TEMPORAL_PORT}`;
  }

  get temporalPidFile(): string {
    return path.join(this.dataDir, 'temporal', 'server.pid');
  }

  get logFile(): string {
    return path.join(this.dataDir, 'product.log');
  }

  get databaseUrl(): string {
    return embeddedPostgresUrl(Number(this.env.WES_POSTGRES_PORT));
  }

  /** The pid of a service the start command runs (`worker`, `API`), as its log last named it. */
  servicePid(service: string): number {
    const pattern = new RegExp(`^${service} (?:re)?started \\(pid (\\d+)\\)`, 'gm');
    const pids = [...readFileSync(this.logFile, 'utf8').matchAll(pattern)].map((match) => Number(match[1]));
    if (!pids.length) throw new Error(`no "${service} started (pid …)" line in ${this.logFile}`);
    return pids[pids.length - 1];
  }

  runDir(runId: string): string {
    return path.join(this.dataDir, 'runs', runId);
  }

  private get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** `sandboxOff`: the default providers, the local one with `"sandbox": "off"`. */
  static async start(options: { sandboxOff?: boolean } = {}): Promise<Product> {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'durable-wes-bench-'));
    const env: ProductEnv = {
      ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !INHERITED_OVERRIDES.includes(name))),
      WES_DATA_DIR: dataDir,
      WES_DEMO_RUN: '0',
      TEMPORAL_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      WES_API_PORT: String(await freePort()),
      WES_POSTGRES_PORT: String(await freePort()),
      ...(options.sandboxOff ? { WES_PROVIDERS: JSON.stringify(UNSANDBOXED_PROVIDERS) } : {}),
    };
    const log = openSync(path.join(dataDir, 'product.log'), 'a');
    // Its own process group: a Ctrl-C meant for the bench reaches the product only through stop().
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist/src/main.js')], {
      cwd: REPO_ROOT,
      env,
      detached: true,
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    const product = new Product(dataDir, env, new WesClient(`http://127.0.0.1:${env.WES_API_PORT}/ga4gh/wes/v1`), child);
    try {
      await waitFor(
        'the API to answer GET /service-info',
        async () => {
          if (!product.running)
            throw new Error(`the product exited (${String(child.exitCode ?? child.signalCode)}) before its API answered`);
          try {
            return (await fetch(`${product.wes.base}/service-info`)).ok || undefined;
          } catch {
            return undefined;
          }
        },
        START_TIMEOUT_MS,
        250,
      );
    } catch (err) {
      await product.stop(false);
      throw new Error(`${(err as Error).message}\n--- ${product.logFile} (kept) ---\n${product.logTail()}`);
    }
    return product;
  }

  /** SIGINT, as a user's Ctrl-C; SIGKILL to its process group only if it does not stop in time. */
  async stop(removeData: boolean): Promise<void> {
    if (this.running) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGINT');
      if (!(await Promise.race([exited.then(() => true), sleep(STOP_TIMEOUT_MS).then(() => false)]))) {
        console.error(`bench: the product did not stop within ${STOP_TIMEOUT_MS / 1000} s of SIGINT; killing its process group`);
        // A child that is running was spawned, so it has a pid.
        process.kill(-Number(this.child.pid), 'SIGKILL');
        await exited;
      }
    }
    // The Temporal server runs in a session of its own; make sure it is gone even if the product's stop failed.
    await temporalDev('stop', this.env).catch((err: unknown) => console.error('bench: temporal-dev.sh stop:', err));
    if (removeData) rmSync(this.dataDir, { recursive: true, force: true });
  }

  logTail(lines = 40): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }
}

/**
 * The start command heals: after SIGKILL of the worker, the API, the Temporal dev server or the
 * embedded PostgreSQL it says so, restarts it, and runs complete again. Ctrl-C then stops all of
 * it, exits 0 and leaves no process behind. The product is the built one (dist/), as `npm start`
 * runs it, on its own data directory and ports; the servers of the global set-up go unused.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Backoff } from '../src/supervisor/backoff';
import { isTerminalWesState } from '../domain/wes-state';
import { eventually } from './support/eventually';
import { freePort } from './support/free-port';

const root = path.resolve(__dirname, '..');
const SERVICES = ['worker', 'API', 'Temporal dev server', 'PostgreSQL'];
const SIMULATED_RUN = {
  workflow_type: 'SIMULATED',
  workflow_type_version: '1',
  workflow_url: 'simulated:',
  workflow_params: { duration_ms: 0 },
  tags: { wes_provider: 'simulated' },
};

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

let dataDir: string;
let apiUrl: string;
let workerMetricsUrl: string;
let product: ChildProcess;
let productExited: Promise<Exit>;
let output = '';

beforeAll(async () => {
  build();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'durable-wes-supervisor-'));
  const [temporalPort, uiPort, apiPort, postgresPort, workerMetricsPort] = await distinctFreePorts(5);
  apiUrl = `http://127.0.0.1:${apiPort}/ga4gh/wes/v1`;
  workerMetricsUrl = `http://127.0.0.1:${workerMetricsPort}/metrics`;
  product = spawn(process.execPath, [path.join(root, 'dist/src/main.js')], {
    cwd: root,
    env: {
      ...inheritedEnv(),
      WES_DATA_DIR: dataDir,
      TEMPORAL_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(uiPort),
      WES_API_PORT: String(apiPort),
      WES_POSTGRES_PORT: String(postgresPort),
      WES_WORKER_METRICS_PORT: String(workerMetricsPort),
      WES_DEMO_RUN: '0',
    },
    // A process group of its own, for the test to press Ctrl-C as a terminal does: to the group.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  product.stdout!.on('data', (chunk) => (output += chunk));
  product.stderr!.on('data', (chunk) => (output += chunk));
  productExited = new Promise((resolve) => product.once('exit', (code, signal) => resolve({ code, signal })));
}, 120_000);

afterAll(async () => {
  // Only after a failure is anything left: kill it, lest it outlive the test run.
  if (product.exitCode === null && product.signalCode === null && product.pid !== undefined) process.kill(-product.pid, 'SIGKILL');
  for (const pid of survivors()) process.kill(pid, 'SIGKILL');
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('restarts back off from 0.5 s to 30 s, and from 0.5 s again after a minute up', () => {
  const backoff = new Backoff();
  expect([1, 2, 3, 4, 5, 6, 7, 8].map(() => backoff.next(1_000))).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
  expect(backoff.next(60_000)).toBe(500);
  expect(backoff.next(0)).toBe(1_000);
});

test('npm start comes up and runs a run', async () => {
  await waitForOutput(/^durable-wes is up\./m, 0, 120_000);
  await expectSimulatedRunCompletes();
}, 180_000);

test('npm start: the API is ready, and the API and the worker serve their metrics', async () => {
  const origin = new URL(apiUrl).origin;
  expect((await fetch(`${origin}/readyz`)).status).toBe(200);
  expect(await (await fetch(`${origin}/metrics`)).text()).toMatch(/^wes_runs\{state="COMPLETE"\} [1-9]/m);
  const worker = await (await fetch(workerMetricsUrl)).text();
  expect(worker).toMatch(/^wes_run_transitions_total\{from="running",to="succeeded"\} [1-9]/m);
  expect(worker).toMatch(/^temporal_workflow_completed\{/m);
});

test.each(SERVICES)(
  '%s: killed with SIGKILL, restarted, and runs complete again',
  async (name) => {
    const pid = latestPid(name);
    const mark = output.length;
    process.kill(pid, 'SIGKILL');
    await waitForOutput(`${name} exited (SIGKILL); restarting in 0.5 s`, mark, 10_000);
    await waitForOutput(new RegExp(`^${name} restarted \\(pid \\d+\\)$`, 'm'), mark, 60_000);
    expect(latestPid(name)).not.toBe(pid);
    await expectSimulatedRunCompletes();
  },
  120_000,
);

test('Ctrl-C stops everything and exits 0', async () => {
  process.kill(-product.pid!, 'SIGINT');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('still running after 20 s'), 20_000)));
  const exit = await Promise.race([productExited, timedOut]);
  clearTimeout(timer);
  expect(exit).toEqual({ code: 0, signal: null });
  expect(survivors()).toEqual([]);
}, 30_000);

/** As `npm start` does; the product under test is dist/. */
function build(): void {
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
  } catch (err) {
    throw new Error(`the build failed:\n${(err as { stdout?: string }).stdout ?? String(err)}`);
  }
}

/** The environment of the test run, without what points at the global set-up's servers. */
function inheritedEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('WES_') && !key.startsWith('TEMPORAL_') && key !== 'DATABASE_URL'),
  );
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** Every pid the supervisor reported for a service, from its "started"/"restarted" lines. */
function pidsOf(name: string): number[] {
  return [...output.matchAll(new RegExp(`^${name} (?:started|restarted) \\(pid (\\d+)\\)$`, 'gm'))].map((m) => Number(m[1]));
}

function latestPid(name: string): number {
  const pid = pidsOf(name).at(-1);
  if (pid === undefined) throw new Error(`the supervisor reported no pid of the ${name}:\n${tail()}`);
  return pid;
}

/** Live processes of this product: those it reported, and any with its data directory in their environment. */
function survivors(): number[] {
  const reported = SERVICES.flatMap(pidsOf);
  const marker = `\0WES_DATA_DIR=${dataDir}\0`;
  const found = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => `\0${readOrEmpty(`/proc/${pid}/environ`)}`.includes(marker));
  return [...new Set([...reported, ...found])].filter(alive);
}

/** A process may end while we look at it. */
function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'latin1');
  } catch {
    return '';
  }
}

function alive(pid: number): boolean {
  const stat = readOrEmpty(`/proc/${pid}/stat`);
  return stat !== '' && !stat.split(') ')[1]?.startsWith('Z');
}

async function waitForOutput(expected: string | RegExp, from: number, timeoutMs: number): Promise<void> {
  const said = () => {
    const text = output.slice(from);
    return typeof expected === 'string' ? text.includes(expected) : expected.test(text);
  };
  const exited = () => product.exitCode !== null || product.signalCode !== null;
  await withTail(eventually(() => said() || exited(), Boolean, { timeoutMs, what: `the product to say ${String(expected)}` }));
  if (!said()) throw new Error(`the product exited before saying ${String(expected)}:\n${tail()}`);
}

/** Submits a simulated run, retrying while the API is unavailable, and waits until it is COMPLETE. */
async function expectSimulatedRunCompletes(timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  const posted = await withTail(
    eventually(
      () => call('POST', '/runs', SIMULATED_RUN),
      (answer) => answer.status === 200,
      { timeoutMs, intervalMs: 500, what: 'POST /runs to succeed' },
    ),
  );
  const runId: string = JSON.parse(posted.text).run_id;
  const ended = await withTail(
    eventually(
      () => call('GET', `/runs/${runId}/status`),
      (answer) => answer.status === 200 && isTerminalWesState(JSON.parse(answer.text).state),
      {
        timeoutMs: until - Date.now(),
        intervalMs: 250,
        what: `run ${runId} to end`,
      },
    ),
  );
  const { state } = JSON.parse(ended.text);
  if (state !== 'COMPLETE') throw new Error(`run ${runId} ended ${state}\n${tail()}`);
}

/** A failed wait says what the product printed last. */
function withTail<T>(waiting: Promise<T>): Promise<T> {
  return waiting.catch((err: unknown) => Promise.reject(new Error(`${err instanceof Error ? err.message : String(err)}\n${tail()}`)));
}

interface Answer {
  /** 0: no answer; `text` then says why. */
  status: number;
  text: string;
}

async function call(method: 'GET' | 'POST', route: string, body?: object): Promise<Answer> {
  try {
    const response = await fetch(`${apiUrl}${route}`, {
      method,
      headers: body && { 'content-type': 'application/json' },
      body: body && JSON.stringify(body),
    });
    return { status: response.status, text: await response.text() };
  } catch (err) {
    return { status: 0, text: (err as Error).message };
  }
}

function tail(chars = 4000): string {
  return output.slice(-chars);
}

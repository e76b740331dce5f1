/**
 * The warm cwltool of the local provider (activities/providers/cwltool-warm.ts) against the real
 * cwltool: the same runs through a warm provider and a cold one (`warmStart: false`) end the same,
 * a cancel leaves nothing running, a server that is gone means a cold start, and a worker killed
 * under a warm engine is replaced by one that re-attaches to it.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { providerSettings } from '../activities/providers/config';
import { WARM_RECORD } from '../activities/providers/local/engines/cwltool-warm';
import { LocalProvider } from '../activities/providers/local/runner';
import { liveGroupMembers } from '../activities/providers/local/process';
import { unsandboxed } from '../activities/providers/local/sandbox/command';
import { readFileIfExists } from '../activities/work-dir';
import type { ProviderRun, WesRunRequest } from '../domain/run-types';
import { isTerminalWesState } from '../domain/wes-state';
import { warmEnginePid } from './support/engine-group';
import { eventually } from './support/eventually';
import { createHarness, DEFAULT_CWLTOOL, EXAMPLES, finalSnapshot, waitForSnapshot } from './support/harness';
import { startWorkerProcess } from './support/worker-process';
import { localRunMaker, testOperationContext } from './support/provider-operations';

jest.setTimeout(180_000);

let dataDir: string;
let warm: LocalProvider;
let cold: LocalProvider;
const context = testOperationContext;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'warm-cwltool-'));
  // A workflow root (late-fail.cwl): readable by the runs' own user.
  await chmod(dataDir, 0o755);
  warm = new LocalProvider(providerSettings('local', { workflowRoots: [EXAMPLES, dataDir], pollIntervalMs: 100 }));
  cold = new LocalProvider(providerSettings('local', { workflowRoots: [EXAMPLES, dataDir], pollIntervalMs: 100, warmStart: false }));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const makeRun = localRunMaker(() => dataDir);

const example = (file: string, params: Record<string, unknown> = {}) => ({
  workflow_url: path.join(EXAMPLES, file),
  workflow_params: params,
});

async function submit(provider: LocalProvider, request: Partial<WesRunRequest>): Promise<{ run: ProviderRun; pgid: number }> {
  const run = makeRun(request);
  await provider.prepare(run, context);
  const pgid = Number(/(\d+)$/.exec(await provider.submit(run))![1]);
  return { run, pgid };
}

async function finish(provider: LocalProvider, run: ProviderRun) {
  const status = await eventually(
    () => provider.status(run),
    (s) => isTerminalWesState(s.state),
    { timeoutMs: 90_000, intervalMs: 100, what: `${run.runId} to end` },
  );
  return { status, results: await provider.results(run), tasks: await provider.tasks(run) };
}

const record = (run: ProviderRun) => readFileIfExists(path.join(run.workDir, 'process', WARM_RECORD));

/** What may differ between two runs of the same workflow: their dirs, random temp names, times. */
function normalized(text: string, run: ProviderRun): string {
  return (
    text
      .split(run.workDir)
      .join('<run>')
      .replace(/<run>\/tmp\/[^/\s'"]+/g, '<tmp>')
      .replace(/\/tmp\/[a-z0-9_]{8}\b/g, '<tmp>')
      .replace(/\bstg[0-9a-f-]{36}\b/g, 'stg<id>')
      // A file's checksum covers the staged paths a tool may print: its content is compared instead.
      .replace(/sha1\$[0-9a-f]{40}/g, 'sha1$<sum>')
      .replace(/\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\]/g, '[time]')
  );
}

async function sameRun(request: Partial<WesRunRequest>) {
  const [warmRun, coldRun] = [await submit(warm, request), await submit(cold, request)];
  const [w, c] = [await finish(warm, warmRun.run), await finish(cold, coldRun.run)];
  expect(await record(warmRun.run)).toMatch(/^warm pid=\d+\n$/);
  expect(await record(coldRun.run)).toBeUndefined();
  const view = (side: typeof w, run: ProviderRun) =>
    normalized(
      JSON.stringify({
        status: side.status,
        outputs: side.results.outputs,
        log: { ...side.results.log, start_time: undefined, end_time: undefined },
        tasks: side.tasks.map((task) => ({ ...task, startTime: undefined, endTime: undefined })),
      }),
      run,
    );
  expect(view(w, warmRun.run)).toBe(view(c, coldRun.run));
  const contents = async (side: typeof w, run: ProviderRun) =>
    // cwltool 3.1 names a scattered output it did not copy (greeting.txt_2), cold as warm: absent on both.
    Promise.all(outputFiles(side.results.outputs).map(async (file) => normalized((await readFileIfExists(file)) ?? '<absent>', run)));
  expect(await contents(w, warmRun.run)).toEqual(await contents(c, coldRun.run));
  const logs = async (run: ProviderRun, file: string) => normalized(await readFile(path.join(run.workDir, 'process', file), 'utf8'), run);
  expect(await logs(warmRun.run, 'stdout.log')).toBe(await logs(coldRun.run, 'stdout.log'));
  expect(await logs(warmRun.run, 'stderr.log')).toBe(await logs(coldRun.run, 'stderr.log'));
  return w;
}

/** The paths of the File outputs in a CWL output object. */
function outputFiles(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(outputFiles);
  if (value === null || typeof value !== 'object') return [];
  const object = value as Record<string, unknown>;
  return object.class === 'File' ? [object.path as string] : Object.values(object).flatMap(outputFiles);
}

/** Processes of this host whose working directory lies in `dir`: an engine or tool left behind. */
async function processesIn(dir: string): Promise<number[]> {
  const found: number[] = [];
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => '');
    if (cwd === dir || cwd.startsWith(dir + path.sep)) found.push(Number(pid));
  }
  return found;
}

/** The client's command of a launched run, without the sandbox around it. */
async function clientCommand(run: ProviderRun): Promise<string[]> {
  return unsandboxed((JSON.parse(await readFile(path.join(run.workDir, 'process', 'process.json'), 'utf8')) as { cmd: string[] }).cmd);
}

/** The warm server of a launched run: the process whose command line names its socket. */
async function serverPid(run: ProviderRun): Promise<number> {
  const socket = (await clientCommand(run))[5];
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (cmdline.includes(socket) && cmdline.some((arg) => arg.endsWith('cwltool-warm-server.py'))) return Number(pid);
  }
  throw new Error(`no server for ${socket}`);
}

test('a warm run ends as a cold one: outputs, stdout, stderr, log and tasks', async () => {
  const hello = await sameRun(example('hello-world/hello.cwl', { message: 'warm or cold' }));
  expect(hello.status.state).toBe('COMPLETE');
  expect(hello.results.log.cmd?.[0]).toBe(DEFAULT_CWLTOOL);
  const scatter = await sameRun(example('scatter/scatter.cwl', { names: ['Ada', 'Grace'] }));
  expect(scatter.tasks.map((task) => task.id)).toEqual(['greet', 'greet_2', 'count']);
});

test('a failing workflow fails the same way: exit code and error', async () => {
  const failed = await sameRun(example('fail/fail.cwl'));
  expect(failed.status.state).toBe('EXECUTOR_ERROR');
  expect(failed.status.detail).toMatch(/^cwltool exited with 1:/);
  expect(failed.status.detail).toContain('boom');
  expect(failed.results.log.exit_code).toBe(1);
});

test('cancel stops the warm engine and its tool: nothing is left running', async () => {
  const { run, pgid } = await submit(warm, example('sleep/sleep.cwl', { seconds: 300 }));
  const engine = await eventually(() => warmEnginePid(run.workDir), Boolean, { what: 'the warm start record' });
  const sleeper = await eventually(
    async () => (await liveGroupMembers(engine!)).filter((p) => p.comm === 'sleep'),
    (found) => found.length > 0,
    {
      what: 'sleep to start in the engine group',
    },
  );
  await warm.cancel(run);
  expect((await warm.status(run)).state).toBe('CANCELED');
  await eventually(
    () => processesIn(run.workDir),
    (pids) => pids.length === 0,
    { timeoutMs: 5000, intervalMs: 50, what: 'the run to leave no process' },
  );
  expect(await liveGroupMembers(engine!)).toEqual([]);
  expect(await liveGroupMembers(pgid)).toEqual([]);
  // The tool, orphaned by the kill, may be a zombie for a moment until init reaps it.
  await eventually(
    () => processAlive(sleeper[0].pid),
    (alive) => !alive,
    { timeoutMs: 5000, intervalMs: 50, what: 'the sleep tool to be gone' },
  );
  expect((await warm.tasks(run)).map(({ id, state }) => ({ id, state }))).toEqual([{ id: 'sleep.cwl', state: 'CANCELED' }]);
});

test('a killed client takes its engine with it: SYSTEM_ERROR, as for a killed cold engine', async () => {
  const { run, pgid } = await submit(warm, example('sleep/sleep.cwl', { seconds: 300 }));
  const engine = await eventually(() => warmEnginePid(run.workDir), Boolean, { what: 'the warm start record' });
  process.kill(-pgid, 'SIGKILL');
  const { status } = await finish(warm, run);
  expect(status.state).toBe('SYSTEM_ERROR');
  await eventually(
    () => liveGroupMembers(engine!),
    (members) => members.length === 0,
    { timeoutMs: 5000, intervalMs: 50, what: 'the engine group to go' },
  );
});

test('without a server, cwltool starts cold: a server killed under the provider, a client with no server', async () => {
  const first = await submit(warm, example('hello-world/hello.cwl', { message: 'first' }));
  expect((await finish(warm, first.run)).status.state).toBe('COMPLETE');
  process.kill(await serverPid(first.run), 'SIGKILL');

  const after = await submit(warm, example('hello-world/hello.cwl', { message: 'after' }));
  const { status, results } = await finish(warm, after.run);
  expect(status.state).toBe('COMPLETE');
  expect(await readFile((results.outputs.greeting as { path: string }).path, 'utf8')).toBe('after\n');
  // Either the provider saw the server go (no client at all) or the client found nobody there.
  expect((await record(after.run)) ?? 'cold: no client').toMatch(/^cold: /);

  // The client alone, with no server at its socket, becomes cwltool.
  const [python, , , client] = await clientCommand(first.run);
  const recordFile = path.join(dataDir, 'client-record');
  const { stdout } = await promisify(execFile)(python, [
    '-I',
    '-S',
    client,
    recordFile,
    path.join(dataDir, 'no.sock'),
    '--',
    'cwltool',
    '--version',
  ]);
  expect(stdout).toMatch(/cwltool 3\.\d+\.\d+/);
  expect(await readFile(recordFile, 'utf8')).toMatch(/^cold: no warm server at .*no\.sock/);

  // A server that died comes back for a later run.
  await context.sleep(10_500);
  const later = await submit(warm, example('hello-world/hello.cwl', { message: 'later' }));
  expect((await finish(warm, later.run)).status.state).toBe('COMPLETE');
  expect(await record(later.run)).toMatch(/^warm pid=/);
});

test('a cwltool that is not a Python script runs cold, through no client', async () => {
  const wrapper = path.join(dataDir, 'cwltool-wrapper');
  await writeFile(wrapper, '#!/bin/sh\nexec cwltool "$@"\n');
  await chmod(wrapper, 0o755);
  // Unsandboxed: a sandbox binds the runtime of the engine's own script, not of what a shell script execs.
  const wrapped = new LocalProvider(
    providerSettings('local', { workflowRoots: [EXAMPLES], pollIntervalMs: 100, cwltool: wrapper, sandbox: 'off' }),
  );
  const { run } = await submit(wrapped, example('hello-world/hello.cwl', { message: 'wrapped' }));
  const { status, results } = await finish(wrapped, run);
  expect(status.state).toBe('COMPLETE');
  expect(results.log.cmd?.[0]).toBe(wrapper);
  expect(await record(run)).toBeUndefined();
});

test('a worker killed under a warm engine is replaced by one that re-attaches and gets its exit code', async () => {
  // Runs long enough to kill the worker under it, then fails: an exit code that is not 0.
  const workflow = path.join(dataDir, 'late-fail.cwl');
  await writeFile(
    workflow,
    [
      'cwlVersion: v1.2',
      'class: CommandLineTool',
      "baseCommand: [sh, -c, 'sleep 5; echo late >&2; exit 3']",
      'inputs: []',
      'outputs: []',
      '',
    ].join('\n'),
  );
  const workerDataDir = await mkdtemp(path.join(os.tmpdir(), 'warm-cwltool-worker-'));
  const h = await createHarness({ startWorker: false, dataDir: workerDataDir });
  const env = {
    TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS!,
    WES_TASK_QUEUE: h.taskQueue,
    WES_DATA_DIR: workerDataDir,
    WES_WORKFLOW_ROOTS: [EXAMPLES, dataDir].join(path.delimiter),
    WES_DEFAULT_PROVIDER: 'local',
    WES_WORKER_METRICS_PORT: 'off',
    WORKFLOW_BUNDLE_PATH: process.env.WORKFLOW_BUNDLE_PATH!,
  };
  try {
    const first = await startWorkerProcess(env);
    const handle = await h.start({ workflow_type: 'CWL', workflow_type_version: 'v1.2', workflow_url: workflow, workflow_params: {} });
    const run = { workDir: path.join(workerDataDir, 'runs', handle.workflowId) } as ProviderRun;
    await waitForSnapshot(handle, (s) => s.externalId !== undefined);
    const engine = await eventually(() => warmEnginePid(run.workDir), Boolean, { what: 'the warm start record' });
    const server = await serverPid(run);

    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    // The server follows its worker (its stdin closed); the engine it forked goes on.
    await eventually(
      () => processAlive(server),
      (alive) => !alive,
      { timeoutMs: 10_000, what: 'the server to exit with its worker' },
    );
    expect(await processAlive(engine!)).toBe(true);

    const second = await startWorkerProcess(env);
    try {
      const result = await finalSnapshot(handle);
      expect(result).toMatchObject({ state: 'failed', wesState: 'EXECUTOR_ERROR' });
      expect(result.log.exit_code).toBe(1);
      expect(result.error).toContain('permanentFail');
      expect((await readFile(path.join(run.workDir, 'process', 'launches.log'), 'utf8')).trim().split('\n')).toHaveLength(1);
      expect(await readFile(path.join(run.workDir, 'process', 'exit_code'), 'utf8')).toBe('1\n');
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  } finally {
    await h.stop();
    await rm(workerDataDir, { recursive: true, force: true });
  }
});

/** Alive and not a zombie. */
async function processAlive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return stat !== undefined && !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
}

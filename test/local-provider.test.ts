/**
 * LocalProvider against the real cwltool, without Temporal: each run is a directory under a temp
 * data dir, and each check reads what the provider left there.
 */
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InvalidRunRequestError } from '../activities/errors';
import { providerSettings } from '../activities/providers/config';
import { DEFAULT_CWLTOOL } from './support/harness';
import { EngineUnansweredError, engineVersion } from '../activities/providers/local/engines/engine-version';
import { LocalProvider } from '../activities/providers/local/runner';
import { DetachedProcess, liveGroupMembers } from '../activities/providers/local/process';
import type { ProviderRun, ProviderStatus, WesRunRequest } from '../domain/run-types';
import { isTerminalWesState } from '../domain/wes-state';
import { engineGroup } from './support/engine-group';
import { eventually } from './support/eventually';
import { localRunMaker, testOperationContext } from './support/provider-operations';

jest.setTimeout(90_000);

const EXAMPLES = path.resolve(__dirname, '..', 'examples');

let dataDir: string;
let provider: LocalProvider;
const context = testOperationContext;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'local-provider-'));
  provider = localProvider({ pollIntervalMs: 100 });
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function localProvider(settings: { pollIntervalMs?: number } = {}): LocalProvider {
  return new LocalProvider(providerSettings('local', { workflowRoots: [EXAMPLES], ...settings }));
}

const makeRun = localRunMaker(() => dataDir);

function waitForStatus(run: ProviderRun, done: (s: ProviderStatus) => boolean, timeoutMs = 60_000): Promise<ProviderStatus> {
  return eventually(() => provider.status(run), done, {
    timeoutMs,
    intervalMs: provider.pollIntervalMs,
    what: `the status of ${run.runId}`,
  });
}

const finished = (s: ProviderStatus) => isTerminalWesState(s.state);

async function launches(run: ProviderRun): Promise<string[]> {
  return (await readFile(path.join(run.workDir, 'process', 'launches.log'), 'utf8')).trim().split('\n');
}

function pidOf(externalId: string): number {
  const match = /^local:[^:]+:(\d+)$/.exec(externalId);
  if (!match) throw new Error(`unexpected external id ${externalId}`);
  return Number(match[1]);
}

function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/**
 * kill(-pgid, 0) also counts zombies, and members orphaned by the kill are reaped by init in its own
 * time (about a second here), so give it a bounded moment.
 */
function groupGone(pgid: number): Promise<boolean> {
  return eventually(() => !groupExists(pgid), Boolean, { timeoutMs: 5000, intervalMs: 50, what: `process group ${pgid} to be gone` });
}

/** Pids of the group's live processes whose command name is `comm`. */
async function groupMembers(pgid: number, comm: string): Promise<number[]> {
  return (await liveGroupMembers(pgid)).filter((p) => p.comm === comm).map((p) => p.pid);
}

async function startSleep(seconds: number): Promise<{ run: ProviderRun; pgid: number; enginePgid: number; sleepPid: number }> {
  const run = makeRun({ workflow_url: path.join(EXAMPLES, 'sleep', 'sleep.cwl'), workflow_params: { seconds } });
  await provider.prepare(run, context);
  const pgid = pidOf(await provider.submit(run));
  // Wait for the tool itself (a grandchild of the engine), so that stopping it proves the group reach.
  const sleepers = await eventually(
    async () => groupMembers(await engineGroup(run, pgid), 'sleep'),
    (pids) => pids.length > 0,
    { what: 'sleep to start' },
  );
  expect((await provider.status(run)).state).toBe('RUNNING');
  return { run, pgid, enginePgid: await engineGroup(run, pgid), sleepPid: sleepers[0] };
}

test('hello-world runs to COMPLETE and reports its greeting', async () => {
  const message = 'Hello, durable-wes';
  const run = makeRun({ workflow_url: path.join(EXAMPLES, 'hello-world', 'hello.cwl'), workflow_params: { message } });
  provider.validate(run.request);
  await provider.prepare(run, context);
  expect((await provider.status(run)).state).toBe('QUEUED');
  const externalId = await provider.submit(run);
  expect(externalId).toMatch(/^local:[^:]+:\d+$/);

  const status = await waitForStatus(run, finished);
  expect(status).toEqual({ state: 'COMPLETE' });

  const { outputs, log } = await provider.results(run);
  const greeting = outputs.greeting as { class: string; path: string };
  expect(greeting.class).toBe('File');
  expect(greeting.path.startsWith(path.join(run.workDir, 'outputs') + path.sep)).toBe(true);
  expect(await readFile(greeting.path, 'utf8')).toBe(`${message}\n`);
  expect(log.name).toBe('cwltool');
  expect(log.exit_code).toBe(0);
  expect(log.cmd?.[0]).toBe(DEFAULT_CWLTOOL);
  expect(Date.parse(log.end_time!)).toBeGreaterThanOrEqual(Date.parse(log.start_time!));
  expect(await readFile(log.stderr!, 'utf8')).toContain('Final process status is success');

  await provider.cleanup(run);
  expect(await groupGone(pidOf(externalId))).toBe(true);
});

test('submitting again, concurrently or from a new worker, launches once', async () => {
  // Relative to the run's attachments, as an uploaded workflow would be.
  const run = makeRun({ workflow_url: 'wf/hello.cwl', workflow_params: { message: 'once' } });
  await mkdir(path.join(run.workDir, 'staging', 'attachments', 'wf'), { recursive: true });
  await copyFile(path.join(EXAMPLES, 'hello-world', 'hello.cwl'), path.join(run.workDir, 'staging', 'attachments', 'wf', 'hello.cwl'));
  await provider.prepare(run, context);

  const [first, second] = await Promise.all([provider.submit(run), provider.submit(run)]);
  const restarted = localProvider();
  const third = await restarted.submit(run);
  expect(second).toBe(first);
  expect(third).toBe(first);

  expect((await waitForStatus(run, finished)).state).toBe('COMPLETE');
  expect(await provider.submit(run)).toBe(first);
  expect(await launches(run)).toHaveLength(1);
  const { outputs } = await provider.results(run);
  expect(await readFile((outputs.greeting as { path: string }).path, 'utf8')).toBe('once\n');
});

test('a failing workflow ends EXECUTOR_ERROR with the tail of stderr', async () => {
  const run = makeRun({ workflow_url: `file://${path.join(EXAMPLES, 'fail', 'fail.cwl')}`, workflow_type_version: '1.2' });
  await provider.prepare(run, context);
  await provider.submit(run);

  const status = await waitForStatus(run, finished);
  expect(status.state).toBe('EXECUTOR_ERROR');
  expect(status.detail).toMatch(/exited with 1/);
  expect(status.detail).toContain('boom');
  expect(status.detail).toContain('permanentFail');

  const { outputs, log } = await provider.results(run);
  expect(outputs).toEqual({});
  expect(log.exit_code).toBe(1);
});

test('cancel stops the whole process group and the run ends CANCELED', async () => {
  const { run, pgid, enginePgid, sleepPid } = await startSleep(300);
  const started = Date.now();
  await provider.cancel(run);
  expect(Date.now() - started).toBeLessThan(10_000);

  expect(await provider.status(run)).toEqual({ state: 'CANCELED' });
  expect(await groupGone(pgid)).toBe(true);
  expect(await groupGone(enginePgid)).toBe(true);
  expect(() => process.kill(sleepPid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));

  // Cancelling again, or cleaning up, leaves it as it is.
  await provider.cancel(run);
  await provider.cleanup(run);
  expect((await provider.status(run)).state).toBe('CANCELED');
  expect((await provider.results(run)).log.exit_code).toBeUndefined();
});

test('a process killed behind our back is a SYSTEM_ERROR, seen by a restarted worker too', async () => {
  const { run, pgid } = await startSleep(300);
  const restarted = localProvider();
  expect((await restarted.status(run)).state).toBe('RUNNING');

  process.kill(-pgid, 'SIGKILL');
  const status = await waitForStatus(run, finished, 10_000);
  expect(status.state).toBe('SYSTEM_ERROR');
  expect(status.detail).toMatch(/without an exit code/);
  expect((await restarted.status(run)).state).toBe('SYSTEM_ERROR');
  // A cancel after the fact does not rewrite how it ended.
  await restarted.cancel(run);
  expect((await restarted.status(run)).state).toBe('SYSTEM_ERROR');
  expect(await launches(run)).toHaveLength(1);
});

describe("tasks: the engine's own jobs, while the run goes and once it ended", () => {
  test('a CWL scatter: one task per job, each with its times, command and stdout', async () => {
    const run = makeRun({ workflow_url: path.join(EXAMPLES, 'scatter', 'scatter.cwl'), workflow_params: { names: ['Ada', 'Grace'] } });
    expect(await provider.tasks(run)).toEqual([]);
    await provider.prepare(run, context);
    await provider.submit(run);
    expect((await waitForStatus(run, finished)).state).toBe('COMPLETE');

    const tasks = await provider.tasks(run);
    expect(tasks.map(({ id, name, state }) => ({ id, name, state }))).toEqual([
      { id: 'greet', name: 'greet', state: 'COMPLETE' },
      { id: 'greet_2', name: 'greet_2', state: 'COMPLETE' },
      { id: 'count', name: 'count', state: 'COMPLETE' },
    ]);
    for (const task of tasks) {
      expect(Date.parse(task.startTime!)).toBeLessThanOrEqual(Date.parse(task.endTime!));
      expect(task.stdout?.startsWith(path.join(run.workDir, 'jobs', task.id) + path.sep)).toBe(true);
    }
    expect(tasks[1].cmd).toEqual(['echo', 'Grace']);
    expect(await readFile(tasks[1].stdout!, 'utf8')).toBe('Grace\n');
    // The outputs are still the workflow's, though the jobs' stdout went through the job logs.
    const { outputs } = await provider.results(run);
    expect(await readFile((outputs.total as { path: string }).path, 'utf8')).toMatch(/\b2 total\n$/);
  });

  test('a running job is RUNNING; cancelled, it is CANCELED', async () => {
    const { run } = await startSleep(300);
    expect((await provider.tasks(run)).map(({ id, state, cmd }) => ({ id, state, cmd }))).toEqual([
      { id: 'sleep.cwl', state: 'RUNNING', cmd: ['sleep', '300'] },
    ]);
    await provider.cancel(run);
    expect((await provider.tasks(run)).map(({ id, state }) => ({ id, state }))).toEqual([{ id: 'sleep.cwl', state: 'CANCELED' }]);
  });

  test('a job whose engine was killed is a SYSTEM_ERROR', async () => {
    const { run, pgid } = await startSleep(300);
    process.kill(-pgid, 'SIGKILL');
    await waitForStatus(run, finished, 10_000);
    const [job] = await provider.tasks(run);
    expect(job).toMatchObject({
      id: 'sleep.cwl',
      state: 'SYSTEM_ERROR',
      systemLogs: ['the engine ended without reporting the end of this job'],
    });
  });

  test('a Snakemake run: each job of its rules', async () => {
    const run = makeRun({
      workflow_type: 'SMK',
      workflow_type_version: '1.0',
      workflow_url: path.join(EXAMPLES, 'snakemake-hello', 'Snakefile'),
    });
    await provider.prepare(run, context);
    await provider.submit(run);
    expect((await waitForStatus(run, finished)).state).toBe('COMPLETE');
    const tasks = await provider.tasks(run);
    expect(tasks.map(({ name, state }) => ({ name, state }))).toEqual([
      { name: 'greet', state: 'COMPLETE' },
      { name: 'count', state: 'COMPLETE' },
      { name: 'all', state: 'COMPLETE' },
    ]);
    expect(tasks[1].cmd).toEqual(['wc -w < results/greeting.txt > results/words.txt']);
    // The job log is not among the outputs.
    expect(Object.keys((await provider.results(run)).outputs).sort()).toEqual(['results/greeting.txt', 'results/words.txt']);
  });
});

describe('asks an engine for its version until it answers', () => {
  const hello = path.join(EXAMPLES, 'hello-world', 'hello.cwl');

  test('an engine missing at first is found once installed', async () => {
    const bin = await mkdtemp(path.join(os.tmpdir(), 'engine-bin-'));
    const cwltool = path.join(bin, 'cwltool');
    const probed = new LocalProvider(providerSettings('local', { workflowRoots: [EXAMPLES], cwltool, warmStart: false }));
    const run = makeRun({ workflow_url: hello, workflow_params: { message: 'hi' } });
    await expect(probed.prepare(run, context)).rejects.toThrow(/cwltool 3\.3\.\d+ is not installed on this worker/);
    await writeFile(cwltool, '#!/bin/sh\necho cwltool 9.9\n', { mode: 0o755 });
    await expect(probed.prepare(run, context)).resolves.toBeUndefined();
    // Present: the configured executable runs the default version; the others are installed on first use.
    expect((await probed.capabilities()).engineVersions.cwltool).toEqual(['3.3.20260925135507', '3.1.20230209161050']);

    await rm(bin, { recursive: true, force: true });
  });

  test('an engine that does not answer in time is not called missing', async () => {
    const bin = await mkdtemp(path.join(os.tmpdir(), 'engine-bin-'));
    const slow = path.join(bin, 'cwltool');
    await writeFile(slow, '#!/bin/sh\nsleep 5\n', { mode: 0o755 });
    await expect(engineVersion(slow, 200)).rejects.toThrow(EngineUnansweredError);
    await expect(engineVersion(path.join(bin, 'absent'), 200)).resolves.toBeUndefined();
    await rm(bin, { recursive: true, force: true });
  });
});

test('has no resume: its runs are never paused', () => {
  expect('resume' in provider).toBe(false);
});

describe('refuses what it cannot or must not run', () => {
  const hello = path.join(EXAMPLES, 'hello-world', 'hello.cwl');

  test.each<[string, Partial<WesRunRequest>, RegExp]>([
    [
      'a type no engine runs',
      { workflow_type: 'NEXTFLOW', workflow_url: hello },
      /workflow_type must be one of CWL, SMK, SNAKEMAKE, WDL, not "NEXTFLOW"/,
    ],
    ['an unknown CWL version', { workflow_type_version: 'v1.3', workflow_url: hello }, /workflow_type_version/],
    ['an empty workflow_url', { workflow_url: '  ' }, /workflow_url is required/],
    [
      'params that are not an object',
      { workflow_url: hello, workflow_params: [] as unknown as Record<string, unknown> },
      /workflow_params/,
    ],
  ])('validate refuses %s', (_name, request, message) => {
    const run = makeRun(request);
    expect(() => provider.validate(run.request)).toThrow(InvalidRunRequestError);
    expect(() => provider.validate(run.request)).toThrow(message);
  });

  test('validate accepts cwl, 1.0 and v1.1', () => {
    expect(() =>
      provider.validate(makeRun({ workflow_type: 'cwl', workflow_type_version: '1.0', workflow_url: hello }).request),
    ).not.toThrow();
    expect(() => provider.validate(makeRun({ workflow_type_version: 'v1.1', workflow_url: hello }).request)).not.toThrow();
  });

  async function refused(run: ProviderRun, message: RegExp): Promise<void> {
    await expect(provider.prepare(run, context)).rejects.toThrow(InvalidRunRequestError);
    await expect(provider.prepare(run, context)).rejects.toThrow(message);
    await expect(provider.submit(run)).rejects.toThrow(InvalidRunRequestError);
    // Nothing was launched.
    await expect(readdir(path.join(run.workDir, 'process'))).rejects.toThrow(/ENOENT/);
  }

  test('path traversal out of the attachments', async () => {
    const run = makeRun({ workflow_url: '../x.cwl' });
    await mkdir(path.join(run.workDir, 'staging', 'attachments'), { recursive: true });
    await copyFile(hello, path.join(run.workDir, 'staging', 'x.cwl'));
    await refused(run, /inside the run's attachments/);
  });

  test('a symlink in the attachments pointing outside them', async () => {
    const run = makeRun({ workflow_url: 'link.cwl' });
    await mkdir(path.join(run.workDir, 'staging', 'attachments'), { recursive: true });
    await symlink(hello, path.join(run.workDir, 'staging', 'attachments', 'link.cwl'));
    await refused(run, /links outside/);
  });

  test('an absolute path or file URL outside the workflow roots', async () => {
    const outside = path.join(dataDir, 'outside.cwl');
    await copyFile(hello, outside);
    await refused(makeRun({ workflow_url: outside }), /outside the allowed workflow roots/);
    await refused(makeRun({ workflow_url: `file://${outside}` }), /outside the allowed workflow roots/);
    await refused(makeRun({ workflow_url: `${EXAMPLES}/../package.json` }), /outside the allowed workflow roots/);
  });

  test('a missing workflow and an unknown scheme', async () => {
    await refused(makeRun({ workflow_url: path.join(EXAMPLES, 'nope.cwl') }), /not found/);
    await refused(makeRun({ workflow_url: 'missing.cwl' }), /not among the run's attachments/);
    await refused(makeRun({ workflow_url: 'ftp://example.org/x.cwl' }), /unsupported workflow_url scheme/);
  });
});

describe('DetachedProcess recovers from launchers that died', () => {
  async function processDir(): Promise<{ dir: string; proc: DetachedProcess; cwd: string }> {
    const cwd = await mkdtemp(path.join(dataDir, 'proc-'));
    const dir = path.join(cwd, 'process');
    await mkdir(dir);
    return { dir, proc: new DetachedProcess(dir), cwd };
  }

  function waitForEnd(proc: DetachedProcess) {
    const ended = ({ phase }: { phase: string }) => phase === 'exited' || phase === 'died';
    return eventually(() => proc.inspect(), ended, { timeoutMs: 10_000, intervalMs: 50, what: 'the process to end' });
  }

  test('a lock left by a launcher that died before spawning is broken once stale', async () => {
    const { dir, proc, cwd } = await processDir();
    await writeFile(path.join(dir, 'launch.lock'), '');
    const old = new Date(Date.now() - 60_000);
    await utimes(path.join(dir, 'launch.lock'), old, old);
    const launched = await proc.launch(['sh', '-c', 'echo "$1"', 'sh', 'it ran; $(not run)'], cwd);
    expect((await waitForEnd(proc)).phase).toBe('exited');
    expect(await readFile(proc.stdoutPath, 'utf8')).toBe('it ran; $(not run)\n');
    expect(await readFile(path.join(dir, 'launches.log'), 'utf8')).toContain(`pid=${launched.pid}`);
  });

  test("a fresh lock is waited on, then the other launcher's process attached to", async () => {
    const { dir, proc, cwd } = await processDir();
    await writeFile(path.join(dir, 'launch.lock'), '');
    const launching = proc.launch(['true'], cwd);
    await context.sleep(500);
    await expect(readdir(dir)).resolves.toEqual(['launch.lock']);
    const theirs = { pid: 4242, startTicks: 1, host: os.hostname(), cmd: ['true'], startedAt: new Date().toISOString() };
    await writeFile(path.join(dir, 'process.json'), JSON.stringify(theirs));
    await expect(launching).resolves.toEqual(theirs);
    await expect(readFile(path.join(dir, 'launches.log'))).rejects.toThrow(/ENOENT/);
  });

  test('a launcher that died after spawning is attached to, not relaunched', async () => {
    const { dir, proc, cwd } = await processDir();
    const first = await proc.launch(['sleep', '2'], cwd);
    await rm(path.join(dir, 'process.json'));
    const again = await new DetachedProcess(dir).launch(['sleep', '2'], cwd);
    expect(again.pid).toBe(first.pid);
    expect(again.startTicks).toBe(first.startTicks);
    expect(again.cmd).toEqual(['sleep', '2']);
    expect((await proc.inspect()).phase).toBe('running');
    expect(await readFile(path.join(dir, 'launches.log'), 'utf8')).toMatch(/^[^\n]+\n$/);
    expect(await waitForEnd(proc)).toMatchObject({ phase: 'exited', exitCode: 0 });
  });

  test('a cancel that lands before the spawn keeps the command from running', async () => {
    const { proc, cwd } = await processDir();
    await proc.stop(3000);
    await proc.launch(['touch', 'ran'], cwd);
    expect(await waitForEnd(proc)).toMatchObject({ phase: 'died', cancelRequested: true });
    await expect(readFile(path.join(cwd, 'ran'))).rejects.toThrow(/ENOENT/);
  });
});

describe('DetachedProcess tells of its exit as it happens', () => {
  test('changed() wakes on the exit, not on output; at once once exited; and on abort', async () => {
    const cwd = await mkdtemp(path.join(dataDir, 'proc-'));
    const proc = new DetachedProcess(path.join(cwd, 'process'));
    // Writes ten lines of output over a second, then exits: a second at least after `started`,
    // however long the launch itself takes on a loaded machine.
    const started = Date.now();
    await proc.launch(['sh', '-c', 'for i in 1 2 3 4 5; do echo out $i; echo err $i >&2; sleep 0.2; done'], cwd);
    const never = new AbortController().signal;
    // It may wake for the launch's own files (the shell's pid): it says "may have changed".
    let wakes = 0;
    while ((await proc.inspect()).phase !== 'exited') {
      await proc.changed(10_000, never);
      wakes++;
    }
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(1000);
    // Woken by the exit, not by the 10 s interval.
    expect(waited).toBeLessThan(5000);
    expect(wakes).toBeLessThan(5); // not once per line of output

    // Nothing changes any more: it waits out its interval, or until aborted.
    const idle = Date.now();
    await proc.changed(5_000, never);
    expect(Date.now() - idle).toBeLessThan(2_000); // the exit code is there already: at once, not after 5 s
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    const other = new DetachedProcess(path.join(cwd, 'other'));
    await mkdir(other.dir);
    const aborted = Date.now();
    await other.changed(10_000, abort.signal);
    expect(Date.now() - aborted).toBeLessThan(2000);
  });
});

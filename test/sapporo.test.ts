/**
 * WesProvider against sapporo 2.4.0 (DDBJ's GA4GH WES server) on loopback, without Temporal.
 * sapporo runs its engines in Docker; here it is given a run script of ours that runs the local
 * cwltool instead (test/support/sapporo/run.sh, see test/support/sapporo.ts).
 *
 * sapporo's ways, as these tests meet them:
 *   - `workflow_engine` is required (400 without it): the requests name `cwltool`;
 *   - run ids are UUIDs; the run list is `runs`, its summaries carry the tags, and it ignores our
 *     `tag` filter (its own is `tags=key:value`), so the search by tag reads the summaries;
 *   - `outputs` in the run log is a list of {file_name, file_url} (URLs to sapporo's own
 *     GET /runs/{id}/outputs/{path}), not a WES object: WesProvider.results() turns it into File
 *     entries keyed by file name; the engine's output object is in the run log's stdout;
 *   - stdout and stderr are given inline; there is no resume endpoint (404);
 *   - cancel answers 200 at once, whatever the run's state, and stops the run in the background.
 */
import { mkdtemp, readdir, readFile, readlink, realpath, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProviderRejectedError } from '../activities/errors';
import { SUBMISSION_RECORD_FILE, type WesProvider } from '../activities/providers/wes';
import { RUN_ID_TAG } from '../activities/run-tags';
import type { ProviderRun, ProviderStatus, WesRunRequest } from '../domain/run-types';
import { eventually } from './support/eventually';
import { SAPPORO_CANCEL_GRACE_SECONDS, startSapporo, type Sapporo } from './support/sapporo';
import {
  EXAMPLES,
  FAIL_CWL,
  forgetRemoteRunId,
  hasEnded,
  HELLO_CWL,
  makeProviderRun,
  pollStatus,
  wesProvider,
} from './support/wes-provider-fixtures';

jest.setTimeout(120_000);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let dataDir: string;
let sapporo: Sapporo;
let provider: WesProvider;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'sapporo-provider-'));
  sapporo = await startSapporo();
  provider = wesProvider({ baseUrl: sapporo.baseUrl, pollIntervalMs: 250, requestTimeoutMs: 10_000 });
}, 300_000);

// The data dir is made before Sapporo starts: it is removed even when Sapporo never started.
afterAll(async () => {
  try {
    await sapporo.stop();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

/**
 * A run for the provider `sapporo` whose work dir holds the given example files as its staged
 * attachments; it names `cwltool`, as sapporo wants a workflow_engine.
 */
function makeRun(request: Partial<WesRunRequest>, attachments: Record<string, string> = {}): Promise<ProviderRun> {
  return makeProviderRun({ dataDir, provider: 'sapporo', request: { workflow_engine: 'cwltool', ...request } }, attachments);
}

/** Polls the run on sapporo until `until` holds (by default, until it ended); a time-out shows what sapporo printed. */
function waitForStatus(run: ProviderRun, until?: (status: ProviderStatus) => boolean): Promise<ProviderStatus> {
  return pollStatus(provider, run, { until, serverOutput: () => sapporo.output() });
}

async function remoteRunIds(): Promise<string[]> {
  const response = await fetch(`${sapporo.baseUrl}/runs?page_size=1000`);
  const body = (await response.json()) as { runs: Array<{ run_id: string }> };
  return body.runs.map((entry) => entry.run_id).sort();
}

interface SapporoRunLog {
  state: string;
  request: { tags: Record<string, string>; workflow_params: unknown; workflow_engine: string };
  outputs: Array<{ file_name: string; file_url: string }> | null;
  run_log: { cmd: string[]; exit_code: number | null };
}

async function sapporoRunLog(id: string): Promise<SapporoRunLog> {
  return (await (await fetch(`${sapporo.baseUrl}/runs/${id}`)).json()) as SapporoRunLog;
}

/** Where sapporo keeps a run: <run-dir>/<first two characters of the id>/<id>. */
async function remoteRunDir(id: string): Promise<string> {
  return path.join(await realpath(sapporo.dir), 'runs', id.slice(0, 2), id);
}

/** The command lines of the processes working in (or under) a directory. */
async function processesIn(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    try {
      const cwd = await readlink(`/proc/${pid}/cwd`);
      if (cwd !== dir && !cwd.startsWith(`${dir}/`)) continue;
      found.push((await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ').trim());
    } catch {
      // Gone meanwhile, a zombie, or not ours to read.
    }
  }
  return found;
}

test('capabilities: the service-info it is given (CWL, the cwltool installed here)', async () => {
  const capabilities = await provider.capabilities();
  expect(capabilities.workflowTypeVersions).toEqual({ CWL: ['v1.0', 'v1.1', 'v1.2'] });
  expect(capabilities.engineVersions).toEqual({ cwltool: [sapporo.cwltoolVersion] });
  expect(capabilities.filesystemProtocols).toContain('file');
});

test('runs hello-world to COMPLETE: a second submit posts nothing; outputs through sapporo, the log through results()', async () => {
  const run = await makeRun(
    { workflow_params: { message: 'Hello from Sapporo' }, tags: { project: 'federation', wes_provider: 'sapporo' } },
    { 'hello.cwl': HELLO_CWL },
  );
  const before = await remoteRunIds();
  const remoteId = await provider.submit(run);
  expect(remoteId).toMatch(UUID);
  const after = await remoteRunIds();
  expect(after).toEqual([...before, remoteId].sort());
  const record = JSON.parse(await readFile(path.join(run.workDir, SUBMISSION_RECORD_FILE), 'utf8'));
  expect(record).toMatchObject({ remoteRunId: remoteId, baseUrl: sapporo.baseUrl, postAttempts: 1, foundBy: 'post' });

  // Retried (the activity's answer was lost): the record answers, nothing is posted.
  expect(await provider.submit(run)).toBe(remoteId);
  expect(await remoteRunIds()).toEqual(after);

  expect(await waitForStatus({ ...run, externalId: remoteId })).toEqual({ state: 'COMPLETE' });

  const results = await provider.results(run);
  // sapporo's outputs are a list, which results() turns into File entries by file name.
  expect(results.outputs).toEqual({
    'hello.txt': { class: 'File', location: `${sapporo.baseUrl}/runs/${remoteId}/outputs/hello.txt`, basename: 'hello.txt' },
  });
  expect(results.log).toMatchObject({ name: `wes:${remoteId}`, exit_code: 0 });
  expect(results.log.system_logs?.[0]).toBe(`remote run: ${sapporo.baseUrl}/runs/${remoteId}`);
  expect(results.log.cmd?.slice(0, 2)).toEqual(['cwltool', '--outdir']);
  expect(results.log.stderr).toContain('Final process status is success');
  // The engine's own output object is cwltool's stdout; same host, so its file can be read.
  const cwlOutputs = JSON.parse(results.log.stdout ?? '{}') as { greeting: { class: string; basename: string; location: string } };
  expect(cwlOutputs.greeting).toMatchObject({ class: 'File', basename: 'hello.txt' });
  expect(await readFile(fileURLToPath(cwlOutputs.greeting.location), 'utf8')).toBe('Hello from Sapporo\n');

  // sapporo's outputs: every file under the run's outputs/, by a URL it serves.
  const remote = await sapporoRunLog(remoteId);
  expect(remote.outputs).toEqual([{ file_name: 'hello.txt', file_url: `${sapporo.baseUrl}/runs/${remoteId}/outputs/hello.txt` }]);
  expect(await (await fetch(remote.outputs![0].file_url)).text()).toBe('Hello from Sapporo\n');
  // Tags went along, the run id added, ours only left out; the request as we gave it.
  expect(remote.request.tags).toEqual({ project: 'federation', [RUN_ID_TAG]: run.runId });
  expect(remote.request.workflow_params).toEqual({ message: 'Hello from Sapporo' });
  expect(remote.request.workflow_engine).toBe('cwltool');

  // Cancelling a run that ended leaves it as it ended (sapporo answers 200 and does nothing).
  await provider.cancel(run);
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(await provider.status(run)).toEqual({ state: 'COMPLETE' });
});

test('a submission posted but never recorded (a crash) is found by its tag in the run list, not posted again', async () => {
  const run = await makeRun({ workflow_params: { message: 'once' } }, { 'hello.cwl': HELLO_CWL });
  const remoteId = await provider.submit(run);
  const file = await forgetRemoteRunId(run);
  const before = await remoteRunIds();

  expect(await provider.submit(run)).toBe(remoteId);
  expect(await remoteRunIds()).toEqual(before);
  expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ remoteRunId: remoteId, foundBy: 'tag-search' });
  expect(await waitForStatus(run)).toEqual({ state: 'COMPLETE' });
});

test('a failing workflow ends EXECUTOR_ERROR, with the exit code and stderr tail in the detail', async () => {
  const run = await makeRun({ workflow_url: 'fail.cwl' }, { 'fail.cwl': FAIL_CWL });
  const remoteId = await provider.submit(run);
  const status = await waitForStatus(run);
  expect(status.state).toBe('EXECUTOR_ERROR');
  expect(status.detail).toContain(`remote run ${remoteId}`);
  // cwltool's own exit code (1), not the tool's (3).
  expect(status.detail).toContain('with exit code 1');
  expect(status.detail).toContain('permanentFail');
  const results = await provider.results(run);
  expect(results.outputs).toEqual({});
  expect(results.log.exit_code).toBe(1);
  expect(results.log.stderr).toContain('boom');
});

test('cancel: the running cwltool and its job are stopped and the run ends CANCELED', async () => {
  const run = await makeRun(
    { workflow_url: 'sleep.cwl', workflow_params: { seconds: 120 } },
    { 'sleep.cwl': path.join(EXAMPLES, 'sleep', 'sleep.cwl') },
  );
  const remoteId = await provider.submit(run);
  expect(await waitForStatus(run, (s) => s.state === 'RUNNING' || hasEnded(s))).toEqual({ state: 'RUNNING' });
  const runDir = await remoteRunDir(remoteId);
  // Wait for the job itself (cwltool runs it in a temp dir under the run's tmp/).
  await eventually(
    () => processesIn(runDir),
    (commands) => commands.includes('sleep 120'),
    { intervalMs: 200, what: 'the sleep job to start' },
  );

  const cancelledAt = Date.now();
  await provider.cancel(run);
  const seen: ProviderStatus[] = [];
  const status = await waitForStatus(run, (s) => {
    seen.push(s);
    return hasEnded(s);
  });
  const tookMs = Date.now() - cancelledAt;
  expect(status).toEqual({ state: 'CANCELED' });
  // While sapporo cancels, the provider reports no end yet (sapporo rewrites state.txt as it goes,
  // so a read may also catch a moment without a state: UNKNOWN), and says why.
  expect(seen.slice(0, -1).filter((s) => s.state !== 'RUNNING' && s.state !== 'UNKNOWN')).toEqual([]);
  expect(seen.some((s) => s.detail === `remote run ${remoteId} is CANCELING`)).toBe(true);
  // cwltool 3.1 does not end on SIGTERM: the run script's grace period runs out, then SIGKILL.
  expect(tookMs).toBeLessThan((SAPPORO_CANCEL_GRACE_SECONDS + 10) * 1000);
  expect(await processesIn(runDir)).toEqual([]);

  const results = await provider.results(run);
  expect(results.log.exit_code).toBe(138);
  expect(results.outputs).toEqual({});
});

test('resume is rejected: sapporo has no resume endpoint', async () => {
  const run = await makeRun({ workflow_params: { message: 'resume?' } }, { 'hello.cwl': HELLO_CWL });
  await provider.submit(run);
  const failing = provider.resume(run, { go: true });
  await expect(failing).rejects.toBeInstanceOf(ProviderRejectedError);
  await expect(failing).rejects.toThrow('remote does not support resume');
  await expect(failing).rejects.toThrow('404');
  await waitForStatus(run);
});

test('sapporo rejects a request without workflow_engine, or of a type it was not set up for, with a 400', async () => {
  const noEngine = await makeRun({}, { 'hello.cwl': HELLO_CWL });
  delete noEngine.request.workflow_engine;
  let failing = provider.submit(noEngine);
  await expect(failing).rejects.toBeInstanceOf(ProviderRejectedError);
  await expect(failing).rejects.toThrow('400');
  await expect(failing).rejects.toThrow('Invalid workflow_engine');

  failing = provider.submit(await makeRun({ workflow_type: 'WDL', workflow_type_version: '1.0', workflow_url: 'hello.wdl' }));
  await expect(failing).rejects.toBeInstanceOf(ProviderRejectedError);
  await expect(failing).rejects.toThrow('Invalid workflow_type: WDL');
});

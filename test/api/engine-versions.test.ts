/**
 * Engine versions side by side (docs/design.md, "Engine versions"): a run picks one with
 * workflow_engine + workflow_engine_version, service-info lists them, an unknown one is refused,
 * and a version's first use on a host installs it (a real pip install from PyPI, into a cache of
 * this test's own) while the run shows INITIALIZING and says so in its log, once for runs that ask at once.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseProvidersConfig } from '../../activities/providers/config';
import { API, createApiHarness, download, expectSchema, waitForState, type ApiHarness } from '../support/api-harness';
import { eventually } from '../support/eventually';
import { EXAMPLES } from '../support/harness';

const HELLO = readFileSync(path.join(EXAMPLES, 'hello-world', 'hello.cwl'));
const OLD_CWLTOOL = '3.1.20230209161050';
const INSTALL_MS = 10 * 60_000;

let api: ApiHarness;
let cache: string;
beforeAll(async () => {
  // Its own engine cache, readable by the runs' user (mkdtemp makes it 0700): nothing installed in it yet.
  cache = await mkdtemp(path.join(os.tmpdir(), 'engine-cache-'));
  await chmod(cache, 0o755);
  const providers = parseProvidersConfig(
    {
      default: 'simulated',
      providers: {
        local: { kind: 'local', workflowRoots: [EXAMPLES] },
        fresh: { kind: 'local', workflowRoots: [EXAMPLES], engineCache: cache, warmStart: false },
        simulated: { kind: 'simulated', pollIntervalMs: 20 },
      },
    },
    'ENGINE_VERSIONS',
  );
  api = await createApiHarness({ providers });
});
afterAll(async () => {
  await api.stop();
  await rm(cache, { recursive: true, force: true });
});

const postHello = (provider: string, engine: Record<string, string>, message: string) => {
  let post = api.http
    .post(`${API}/runs`)
    .field('workflow_type', 'CWL')
    .field('workflow_type_version', 'v1.2')
    .field('workflow_url', 'hello.cwl')
    .field('workflow_params', JSON.stringify({ message }))
    .field('tags', JSON.stringify({ wes_provider: provider }));
  for (const [name, value] of Object.entries(engine)) post = post.field(name, value);
  return post.attach('workflow_attachment', HELLO, 'hello.cwl');
};

const runLog = async (runId: string) => (await api.http.get(`${API}/runs/${runId}`).expect(200)).body;

test('service-info lists every version of each engine, its default first', async () => {
  const info = await eventually(
    async () => (await api.http.get(`${API}/service-info`).expect(200)).body,
    (body) => body.workflow_engine_versions.snakemake !== undefined,
    { what: 'the worker to report its engines' },
  );
  expectSchema('ServiceInfo', info);
  expect(info.workflow_engine_versions).toMatchObject({
    cwltool: { workflow_engine_version: ['3.3.20260925135507', OLD_CWLTOOL] },
    snakemake: { workflow_engine_version: ['9.27.1', '7.32.4'] },
  });
});

test('an unknown version is a 400 that names the available ones', async () => {
  const refused = await postHello('local', { workflow_engine: 'cwltool', workflow_engine_version: '2.0' }, 'x').expect(400);
  expect(refused.body).toEqual({
    msg: `local: cwltool "2.0" is not available (available: 3.3.20260925135507, ${OLD_CWLTOOL})`,
    status_code: 400,
  });
});

test(
  "a version's first use installs it once for two runs asking at once, which show INITIALIZING and say so, then run on it",
  async () => {
    // A half-done install (no marker) is made again.
    const venv = path.join(cache, `cwltool-${OLD_CWLTOOL}`);
    await mkdir(venv);
    await writeFile(path.join(venv, 'half-done'), '');
    const pinned = { workflow_engine: 'cwltool', workflow_engine_version: OLD_CWLTOOL };
    const ids: string[] = await Promise.all(
      ['first', 'second'].map(async (message) => (await postHello('fresh', pinned, message).expect(200)).body.run_id),
    );

    const installing = `installing cwltool ${OLD_CWLTOOL}`;
    for (const runId of ids) {
      const seen = await eventually(
        () => runLog(runId),
        (log) => log.run_log?.system_logs?.includes(installing),
        { timeoutMs: 60_000, what: `run ${runId} to log its install` },
      );
      expect(seen.state).toBe('INITIALIZING');
    }
    for (const runId of ids) expect(await waitForState(api.http, runId, undefined, INSTALL_MS)).toBe('COMPLETE');

    for (const runId of ids) {
      const log = await runLog(runId);
      expect(log.run_log.system_logs.filter((line: string) => line === installing)).toHaveLength(1);
      expect(log.run_log.cmd[0]).toBe(path.join(venv, 'bin', 'cwltool'));
      // cwltool names its version first thing.
      expect(await download(api.http, log.run_log.stderr)).toContain(`cwltool ${OLD_CWLTOOL}`);
    }
    const installs = (await readFile(`${venv}.log`, 'utf8')).split('\n').filter((line) => line.includes('engines: installing'));
    expect(installs).toHaveLength(1);
    await expect(stat(path.join(venv, 'half-done'))).rejects.toThrow(/ENOENT/);
    expect(await readFile(path.join(venv, '.installed'), 'utf8')).toBe(`cwltool==${OLD_CWLTOOL}\n`);
  },
  INSTALL_MS + 60_000,
);

test('a run without a version runs the default, warm, with no install', async () => {
  const created = await postHello('local', { workflow_engine: 'cwltool' }, 'default').expect(200);
  expect(await waitForState(api.http, created.body.run_id)).toBe('COMPLETE');
  const log = await runLog(created.body.run_id);
  expect(log.run_log.system_logs ?? []).not.toContainEqual(expect.stringMatching(/^installing/));
  expect(log.run_log.cmd[0]).toMatch(/\/cwltool-3\.3\.20260925135507\/bin\/cwltool$/);
});

test(
  'a Snakemake run pinned to 7.32.4 runs on it, with its jobs reported as tasks',
  async () => {
    const created = await api.http
      .post(`${API}/runs`)
      .field('workflow_type', 'SMK')
      .field('workflow_type_version', '1.0')
      .field('workflow_url', path.join(EXAMPLES, 'snakemake-hello', 'Snakefile'))
      .field('workflow_params', JSON.stringify({ message: 'three words here' }))
      .field('workflow_engine', 'snakemake')
      .field('workflow_engine_version', '7.32.4')
      .field('tags', JSON.stringify({ wes_provider: 'local' }))
      .expect(200);
    const runId: string = created.body.run_id;
    expect(await waitForState(api.http, runId, undefined, INSTALL_MS)).toBe('COMPLETE');
    const log = await runLog(runId);
    expect(log.run_log.cmd[0]).toMatch(/\/snakemake-7\.32\.4\/bin\/snakemake$/);
    const tasks = await api.http.get(`${API}/runs/${runId}/tasks`).expect(200);
    expect(tasks.body.task_logs.map(({ name }: { name: string }) => name)).toEqual(['greet', 'count', 'all']);
  },
  INSTALL_MS + 60_000,
);

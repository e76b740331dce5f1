import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LOCAL_ENGINES } from '../../activities/providers/local/engines';
import { WES_STATES } from '../../domain/wes-state';
import { API, createApiHarness, expectSchema, waitForState, type ApiHarness } from '../support/api-harness';
import { submitRun } from '../support/submit-run';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(() => api.stop());

const serviceInfo = async () => {
  const response = await api.http.get(`${API}/service-info`).expect(200);
  expectSchema('ServiceInfo', response.body);
  return response.body;
};

test('service-info describes this service as a WES 1.1 implementation', async () => {
  const info = await serviceInfo();
  const version = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')).version;
  expect(info).toMatchObject({
    id: 'durable-wes',
    name: 'durable-wes',
    type: { group: 'org.ga4gh', artifact: 'wes', version: '1.1.0' },
    organization: { name: 'durable-wes' },
    version,
    supported_wes_versions: ['1.1.0'],
    default_workflow_engine_parameters: [],
    // The union of what the configured providers run: CWL and WDL on local (cwltool and miniwdl are
    // installed), and the simulated provider's own type.
    workflow_type_versions: {
      CWL: { workflow_type_version: ['v1.0', 'v1.1', 'v1.2'] },
      WDL: { workflow_type_version: ['1.0', '1.1'] },
      SIMULATED: { workflow_type_version: ['1'] },
    },
    supported_filesystem_protocols: ['file', 'http', 'https'],
  });
  expect(info.auth_instructions_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/docs$/);
  expect(info.tags).toMatchObject({ default_provider: 'simulated', auth: 'none' });
  // The local provider's sandbox and limits, from its settings (the API needs no engine for it).
  expect(info.tags['sandbox.local']).toMatch(
    /^bubblewrap as durable-wes-run .*; memory 8 GiB; 1024 processes; cpus all; .*; logs 64 MiB per stream; /,
  );
  // What runs its jobs' containers: none by default.
  expect(info.tags['containers.local']).toMatch(/^none: jobs run on the host as they are/);
});

test('service-info advertises only what the providers really run', async () => {
  const info = await serviceInfo();
  // cwltool is installed on every test machine; any other engine advertised must answer too. Its
  // versions are its releases, the default first: the one on PATH (scripts/engines.sh).
  expect(info.workflow_engine_versions).toHaveProperty('cwltool');
  for (const [engine, { workflow_engine_version: versions }] of Object.entries<{ workflow_engine_version: string[] }>(
    info.workflow_engine_versions,
  )) {
    // The default version is the one on PATH (scripts/engines.sh links it there), named on the first
    // line of what it prints (miniwdl's `miniwdl v1.16.0`, then its plugins).
    const installed = execFileSync(engine, ['--version'], { encoding: 'utf8' }).trim().split('\n')[0].split(/\s+/).pop()?.replace(/^v/, '');
    const releases = LOCAL_ENGINES.find(({ name }) => name === engine)?.releases;
    expect({ engine, default: versions[0], versions: [...versions].sort() }).toEqual({
      engine,
      default: installed,
      versions: Object.keys(releases?.pip ?? {}).sort(),
    });
  }
  // Every advertised type and version passes the validation submissions get (same providers).
  const { registry } = api.harness;
  for (const [type, { workflow_type_version: versions }] of Object.entries<{ workflow_type_version: string[] }>(
    info.workflow_type_versions,
  )) {
    const accepted = (version: string) =>
      registry.names().some((name) => {
        try {
          registry.get(name).validate({ workflow_type: type, workflow_type_version: version, workflow_url: 'hello.cwl' });
          return true;
        } catch {
          return false;
        }
      });
    for (const version of versions) expect({ type, version, accepted: accepted(version) }).toEqual({ type, version, accepted: true });
  }
});

test('system_state_counts has every WES state and counts runs as they end', async () => {
  const before = (await serviceInfo()).system_state_counts;
  expect(Object.keys(before).sort()).toEqual([...WES_STATES].sort());
  for (const count of Object.values(before)) expect(Number.isInteger(count)).toBe(true);

  const runId = await submitRun(api.http);
  expect(await waitForState(api.http, runId)).toBe('COMPLETE');
  const after = (await serviceInfo()).system_state_counts;
  expect(after.COMPLETE).toBeGreaterThanOrEqual(before.COMPLETE + 1);
});

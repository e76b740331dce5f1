/**
 * An API process runs no engine (docs/design.md, "Adding a provider"): it starts, answers
 * service-info and takes runs on a host with neither cwltool nor snakemake, its providers'
 * engines pointing nowhere; what the engines run is what the workers report once they start.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseProvidersConfig } from '../../activities/providers/config';
import { API, createApiHarness, expectSchema, waitForState, type ApiHarness, type TestApp } from '../support/api-harness';
import { EXAMPLES } from '../support/harness';

const HELLO = readFileSync(path.join(EXAMPLES, 'hello-world', 'hello.cwl'));

/** The worker's providers by the same names, with engines that are nowhere. */
const NOWHERE = parseProvidersConfig(
  {
    default: 'simulated',
    providers: {
      local: { kind: 'local', workflowRoots: [EXAMPLES], cwltool: '/nonexistent/cwltool', snakemake: '/nonexistent/snakemake' },
      simulated: { kind: 'simulated', pollIntervalMs: 20 },
    },
  },
  'NOWHERE',
);

let api: ApiHarness;
let bare: TestApp;
const path0 = process.env.PATH;
beforeAll(async () => {
  // The worker of this test starts later, and in this process: the API is built without engines on PATH.
  api = await createApiHarness({}, { startWorker: false });
  process.env.PATH = '/nonexistent';
  try {
    bare = await api.createApp({ providers: NOWHERE });
  } finally {
    process.env.PATH = path0;
  }
});
afterAll(() => api.stop());

const serviceInfo = async () => {
  const response = await bare.http.get(`${API}/service-info`).expect(200);
  expectSchema('ServiceInfo', response.body);
  return response.body;
};

const postHello = (version: string) =>
  bare.http
    .post(`${API}/runs`)
    .field('workflow_type', 'CWL')
    .field('workflow_type_version', version)
    .field('workflow_url', 'hello.cwl')
    .field('workflow_params', JSON.stringify({ message: 'no engine here' }))
    .field('tags', JSON.stringify({ wes_provider: 'local' }))
    .attach('workflow_attachment', HELLO, 'hello.cwl');

test('before any worker has reported, service-info shows what the settings alone tell, and runs are validated and taken', async () => {
  process.env.PATH = '/nonexistent';
  try {
    const info = await serviceInfo();
    expect(info.workflow_type_versions).toEqual({
      SIMULATED: { workflow_type_version: ['1'] },
      'DWES-TASK': { workflow_type_version: ['1.0'] },
    });
    expect(info.workflow_engine_versions).toEqual({});
    expect(info.supported_filesystem_protocols).toEqual(['file', 'http', 'https']);
    expect(info.tags['sandbox.local']).toMatch(/^bubblewrap as durable-wes-run /);
    // Checked by the local provider's rules, which need no engine.
    const refused = await postHello('v9').expect(400);
    expect(refused.body).toEqual({
      msg: expect.stringMatching(/^local: CWL workflow_type_version must be one of v1.0, v1.1, v1.2/),
      status_code: 400,
    });
    const created = await postHello('v1.2').expect(200);
    expectSchema('RunId', created.body);
    const ready = await bare.http.get('/readyz');
    expect(ready.body.details['provider:local']).toMatchObject({
      status: 'down',
      message: expect.stringMatching(/no worker has reported/),
    });
    expect(ready.body.details['provider:simulated']).toMatchObject({ status: 'up' });
  } finally {
    process.env.PATH = path0;
  }
});

test("once a worker has started, service-info advertises its engines, and the API's runs run there", async () => {
  await api.harness.startWorker();
  const info = await serviceInfo();
  expect(info.workflow_type_versions).toMatchObject({ CWL: { workflow_type_version: ['v1.0', 'v1.1', 'v1.2'] } });
  expect(info.workflow_engine_versions).toHaveProperty('cwltool');
  const ready = await bare.http.get('/readyz').expect(200);
  expect(ready.body.details['provider:local']).toMatchObject({ status: 'up', workflow_types: expect.arrayContaining(['CWL']) });
  const created = await postHello('v1.2').expect(200);
  expect(await waitForState(bare.http, created.body.run_id)).toBe('COMPLETE');
});

/**
 * CWL as cwltool runs it, through the API (docs/conformance.md): a handful of the CWL v1.2
 * conformance tests (test/fixtures/cwl-v1.2), run by cwltest with Toil's WES client,
 * toil-wes-cwl-runner 9.6, unchanged, as its tool: a workflow_url with a #fragment, secondaryFiles,
 * expressions, a Directory. And what that client sends: null flags, its own options
 * (docs/design.md, "Engine parameters"), fragments of file:// and http(s) workflow_urls. The whole
 * suite is `npm run conformance`.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseProvidersConfig } from '../activities/providers/config';
import { API, createApiHarness, fieldParts, postMultipart, waitForState, type ApiHarness } from './support/api-harness';
import { conformanceTools, runColumn, SUITE_DIR } from './support/cwltest';
import { freePort } from './support/free-port';
import { EXAMPLES } from './support/harness';

const TESTS = path.join(SUITE_DIR, 'tests');
/** One per kind the issue named; each passes with bare cwltool. */
const SUBSET = [
  'wf_scatter_two_flat_crossproduct', // tests/scatter-wf3.cwl#main
  'directory_secondaryfiles', // a Directory with secondaryFiles
  'expressionlib_tool_wf_override', // tests/js-expr-req-wf.cwl#wf: JavaScript expressions
  'secondary_files_in_unnamed_records',
];

let api: ApiHarness;
let port: number;
let site: http.Server;
let sitePort: number;
let dir: string;
beforeAll(async () => {
  // A site serving the suite's files, for an http(s) workflow_url with a fragment.
  site = http.createServer((request, response) => {
    const file = path.join(TESTS, decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    try {
      response.end(readFileSync(file));
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  sitePort = (site.address() as { port: number }).port;
  await conformanceTools();
  api = await createApiHarness({
    providers: parseProvidersConfig(
      {
        default: 'local',
        providers: { local: { kind: 'local', workflowRoots: [EXAMPLES, TESTS], fetch: { allow: ['127.0.0.1'] } } },
      },
      'test',
    ),
  });
  port = await freePort();
  await api.app.listen(port, '127.0.0.1');
  dir = await mkdtemp(path.join(os.tmpdir(), 'cwl-conformance-'));
}, 600_000);
afterAll(async () => {
  await api.stop();
  await new Promise((resolve) => site.close(resolve));
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('conformance tests of fragments, secondaryFiles, expressions and a Directory pass through the API with toil-wes-cwl-runner', async () => {
  const tools = await conformanceTools();
  const results = await runColumn(
    tools.cwltest,
    {
      name: 'toil-wes-cwl-runner',
      tool: tools.toilWesRunner,
      toolArgs: [`--wes_endpoint=http://127.0.0.1:${port}`],
      env: { PATH: `${tools.toilBin}${path.delimiter}${process.env.PATH ?? ''}` },
    },
    { ids: SUBSET },
    { dir: path.join(dir, 'cwltest'), jobs: 2, timeoutSeconds: 300 },
  );
  // Each test's outcome, and why when it did not pass.
  const outcomes = Object.fromEntries(results.map(({ id, outcome, why }) => [id, why === undefined ? outcome : `${outcome}: ${why}`]));
  expect(outcomes).toEqual(Object.fromEntries(SUBSET.map((id) => [id, 'passed'])));
}, 300_000);

const SCATTER = readFileSync(path.join(TESTS, 'scatter-wf3.cwl'));
const SCATTER_PARAMS = { inp1: ['one', 'two'], inp2: ['three', 'four'] };
const SCATTER_OUT = ['foo one three', 'foo one four', 'foo two three', 'foo two four'];

/** A scatter-wf3.cwl run named by `workflowUrl`, attached under its own name, with these engine parameters. */
function scatterRun(workflowUrl: string, parameters: Record<string, string | null> = {}) {
  return postMultipart(api.http, [
    ...fieldParts({
      workflow_type: 'CWL',
      workflow_type_version: 'v1.2',
      workflow_url: workflowUrl,
      workflow_params: JSON.stringify(SCATTER_PARAMS),
      workflow_engine_parameters: JSON.stringify(parameters),
    }),
    { name: 'workflow_attachment', value: SCATTER, filename: 'wf/scatter-wf3.cwl' },
  ]);
}

async function completed(runId: string) {
  expect(await waitForState(api.http, runId)).toBe('COMPLETE');
  return (await api.http.get(`${API}/runs/${runId}`).expect(200)).body;
}

test('null engine parameters are flags; the client-only options are accepted, not passed, and a system log says so', async () => {
  const created = await scatterRun('wf/scatter-wf3.cwl#main', { '--parallel': null, '--outdir': '/client/out', '--quiet': null }).expect(
    200,
  );
  const log = await completed(created.body.run_id);
  expect(log.outputs.out).toEqual(SCATTER_OUT);
  const cmd: string[] = log.run_log.cmd;
  expect(cmd).toContain('--parallel');
  expect(cmd).not.toContain('--quiet');
  expect(cmd.join(' ')).not.toContain('/client/out');
  // The attachment's file:// URL with the fragment: one process of a document that holds several.
  expect(cmd).toContainEqual(expect.stringMatching(/^file:\/\/\/.*\/staging\/attachments\/wf\/scatter-wf3\.cwl#main$/));
  expect(log.run_log.system_logs).toEqual([
    "workflow_engine_parameters --outdir, --quiet: options of the client's own, accepted and not passed to cwltool",
  ]);
}, 120_000);

test('a fragment of a file:// and of an http(s) workflow_url names the process run', async () => {
  const byFile = await scatterRun(`${pathToFileURL(path.join(TESTS, 'scatter-wf3.cwl')).href}#main`).expect(200);
  const byHttp = await scatterRun(`http://127.0.0.1:${sitePort}/scatter-wf3.cwl#main`).expect(200);
  for (const created of [byFile, byHttp]) expect((await completed(created.body.run_id)).outputs.out).toEqual(SCATTER_OUT);
}, 120_000);

test.each([
  ['a fragment of a file not attached', 'other.cwl#main', 'no workflow_attachment has that filename'],
  ['a fragment past a parent directory', '../wf/scatter-wf3.cwl#main', "refers to a parent directory with '..'"],
  ['an empty fragment', 'wf/scatter-wf3.cwl#', 'has a #fragment that is empty'],
  ['a fragment with a space', 'wf/scatter-wf3.cwl#ma in', 'has a #fragment that is empty or holds characters'],
])('%s is a 400', async (_, workflowUrl, msg) => {
  const { body } = await scatterRun(workflowUrl).expect(400);
  expect(body).toEqual({ msg: expect.stringContaining(msg), status_code: 400 });
});

test.each([
  ['a flag given a value', { '--parallel': 'yes' }, '--parallel is a flag: give null, "" or "true"'],
  ['an option given null', { '--on-error': null }, '--on-error must be stop or continue'],
  ['a parameter of no list, as a null flag', { '--no-container': null }, "cwltool parameter '--no-container' is not allowed"],
])('%s is a 400', async (_, parameters, msg) => {
  const { body } = await scatterRun('wf/scatter-wf3.cwl#main', parameters).expect(400);
  expect(body).toEqual({ msg: expect.stringContaining(msg), status_code: 400 });
});

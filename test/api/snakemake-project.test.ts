/**
 * A Snakemake workflow laid out as a project (docs/design.md, "Snakemake as a project"), sent as a
 * client sends one, with every file of the project as a workflow_attachment, and run by Snakemake
 * 9.27.1 and 7.32.4: `configfile:`, data/ inputs, an `include:`d rules file and a `script:` resolve
 * as they do in the project; workflow_params override the project's config; the run's outputs
 * are the files its jobs produced, not the project's, listed and downloaded through /outputs; and
 * each job is a task. The real app, worker, sandbox and engines.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { API, createApiHarness, expectSchema, fieldParts, postMultipart, waitForState, type ApiHarness } from '../support/api-harness';
import { EXAMPLES } from '../support/harness';

const PROJECT = path.join(EXAMPLES, 'snakemake-project');

/** The project's files by their paths in it. */
function projectFiles(dir = PROJECT): Array<{ name: string; value: Buffer }> {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? projectFiles(full) : [{ name: path.relative(PROJECT, full), value: readFileSync(full) }];
  });
}

/** workflow_params: the greeting replaced, and one more sample merged into the config's. */
const OVERRIDES = { greeting: 'Hello from WES', samples: { c: 'data/c.txt' } };
const SUMMARY = 'Hello from WES\na 2\nb 3\nc 1\n';
const PRODUCED = [
  'logs/count/a.log',
  'logs/count/b.log',
  'logs/count/c.log',
  'logs/summarize.log',
  'results/counts/a.txt',
  'results/counts/b.txt',
  'results/counts/c.txt',
  'results/summary.txt',
];

let api: ApiHarness;
const downloaded = async (url: string): Promise<string> => (await api.http.get(url).buffer(true).expect(200)).text;
beforeAll(async () => {
  api = await createApiHarness();
});
afterAll(() => api.stop());

describe.each([
  // The snakemake-workflows templates: the Snakefile in workflow/, config/ and data/ beside it.
  ['9.27.1', 'workflow/Snakefile', (file: string) => file],
  // The Snakemake tutorial: the Snakefile at the root, with its rules/ and scripts/.
  ['7.32.4', 'Snakefile', (file: string) => file.replace(/^workflow\//, '')],
] as const)('Snakemake %s, the Snakefile at %s', (version, workflowUrl, place) => {
  let runId: string;
  let outputs: string;
  beforeAll(async () => {
    const { body } = await postMultipart(api.http, [
      ...fieldParts({
        workflow_type: 'SMK',
        workflow_type_version: '1.0',
        workflow_url: workflowUrl,
        workflow_params: JSON.stringify(OVERRIDES),
        workflow_engine: 'snakemake',
        workflow_engine_version: version,
        tags: JSON.stringify({ wes_provider: 'local' }),
      }),
      ...projectFiles().map(({ name, value }) => ({ name: 'workflow_attachment', filename: place(name), value })),
    ]).expect(200);
    runId = body.run_id;
    outputs = `${API}/runs/${runId}/outputs`;
    expect(await waitForState(api.http, runId)).toBe('COMPLETE');
  });

  test("its outputs are the files its jobs produced, with workflow_params over the project's config", async () => {
    const { body } = await api.http.get(outputs).expect(200);
    expectSchema('OutputFileList', body);
    expect(body.files.map((file: { path: string }) => file.path).sort()).toEqual(PRODUCED);
    expect(await downloaded(`${outputs}/results/summary.txt`)).toBe(SUMMARY);
    expect(await downloaded(`${outputs}/logs/summarize.log`)).toBe('summarized 3 samples\n');
    await api.http.get(`${outputs}/config/config.yaml`).expect(404);
    const log = (await api.http.get(`${API}/runs/${runId}`).expect(200)).body;
    expect(Object.keys(log.outputs).sort()).toEqual(PRODUCED);
    expect(new URL(log.outputs['results/summary.txt'].location).pathname).toBe(`${outputs}/results/summary.txt`);
  });

  test('each job is a task, named by its rule and wildcards, its rule log its stdout', async () => {
    const { body } = await api.http.get(`${API}/runs/${runId}/tasks`).expect(200);
    expectSchema('TaskListResponse', body);
    const tasks: Array<{ name: string; state: string; cmd?: string[]; stdout?: string }> = body.task_logs;
    expect(tasks.map(({ name, state }) => ({ name, state })).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'all', state: 'COMPLETE' },
      { name: 'count (sample=a)', state: 'COMPLETE' },
      { name: 'count (sample=b)', state: 'COMPLETE' },
      { name: 'count (sample=c)', state: 'COMPLETE' },
      { name: 'summarize', state: 'COMPLETE' },
    ]);
    const countC = tasks.find((task) => task.name === 'count (sample=c)');
    expect(countC?.cmd).toEqual(["(wc -l < data/c.txt | tr -d ' ') > results/counts/c.txt 2> logs/count/c.log"]);
    expect(countC?.stdout).toContain(path.join('runs', runId, 'project', 'logs', 'count', 'c.log'));
  });
});

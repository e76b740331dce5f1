/**
 * The Temporal Web UI tells each run's story (README.md, "Temporal UI"): loaded in a real browser,
 * Debian's headless Chromium, from the dev server of the global set-up, against the real API and
 * worker. The workflow list shows the run's summary (the WesSummary column), and the run's page its
 * summary, details, current details and the summaries of its activities. With WES_SCREENSHOT set to
 * a path, the run's page is saved there (docs/images/temporal-ui-run.png is made so).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { CWLTOOL } from '../activities/providers/local/engines';
import { WesSummaryKey } from '../domain/search-attributes';
import { API, createApiHarness, fieldParts, postMultipart, waitForState, type ApiHarness } from './support/api-harness';
import { openBrowser, type Browser } from './support/browser';
import { eventually } from './support/eventually';
import { freePort } from './support/free-port';
import { EXAMPLES } from './support/harness';
import { cwlRun, submitRun } from './support/submit-run';
import { simulatedStep, taskDocument } from './support/task-documents';

const ui = process.env.TEST_TEMPORAL_UI_URL!;
const SCREENSHOT = process.env.WES_SCREENSHOT ?? path.resolve(__dirname, '../.cache/test/temporal-ui-run.png');

let api: ApiHarness;
let apiUrl: string;
let browser: Browser;

beforeAll(async () => {
  const port = await freePort();
  apiUrl = `http://127.0.0.1:${port}${API}`;
  // Listening, as the links of a run's details lead to it.
  api = await createApiHarness({ exampleApiUrl: apiUrl, temporalUiUrl: ui });
  await api.app.listen(port, '127.0.0.1');
  browser = await openBrowser();
});

afterAll(async () => {
  await browser.close();
  await api.stop();
});

/** The text of the page and of its frames (the UI renders summaries and details as Markdown in frames), and their links. */
async function pageText(page: Page): Promise<{ text: string; links: string[] }> {
  const frames = await Promise.all(
    page.frames().map(async (frame) => {
      try {
        const links = await Promise.all((await frame.locator('a').all()).map(async (link) => (await link.getAttribute('href')) ?? ''));
        return { text: await frame.locator('body').innerText(), links };
      } catch {
        // A frame that went away as the page moved on.
        return { text: '', links: [] };
      }
    }),
  );
  return { text: frames.map((frame) => frame.text).join('\n'), links: frames.flatMap((frame) => frame.links) };
}

/** Opens the run's User Metadata tab until it shows every text of `expected`. */
async function untilShown(page: Page, runId: string, expected: string[]): Promise<{ text: string; links: string[] }> {
  return eventually(
    async () => {
      await page.goto(`${ui}/namespaces/default/workflows/${encodeURIComponent(runId)}`);
      await page.getByText('User Metadata', { exact: true }).click();
      // The metadata is fetched after the tab opens; what is not there yet is looked for again.
      await page.waitForTimeout(1_000);
      return pageText(page);
    },
    ({ text }) => expected.every((part) => text.includes(part)),
    { timeoutMs: 30_000, intervalMs: 500, what: `the Temporal UI to show ${expected.join(', ')}` },
  );
}

test("the workflow list shows a run's summary, and its page the summary, details, current details and what each activity did", async () => {
  const hello = path.join(EXAMPLES, 'hello-world', 'hello.cwl');
  const tags = { wes_provider: 'local', wes_require_approval: 'true' };
  const runId = await submitRun(api.http, cwlRun(hello, { message: 'Hello from the UI test' }, { tags }));
  expect(await waitForState(api.http, runId, (state) => state === 'PAUSED')).toBe('PAUSED');
  const summary = `CWL v1.2 · hello.cwl · local/cwltool ${CWLTOOL.releases.default}`;
  const page = await browser.context.newPage();

  // The list: the WesSummary column, added once as an operator does (the table's settings, ⚙).
  await page.goto(`${ui}/namespaces/default/workflows?query=${encodeURIComponent(`WorkflowId="${runId}"`)}`);
  await page.getByTestId('workflows-summary-table-configuration-button').click();
  await page.getByRole('button', { name: 'Add WesSummary column' }).click();
  await page.keyboard.press('Escape');
  const row = page.getByTestId('workflows-summary-configurable-table-row').filter({ hasText: runId });
  await row.getByText(summary).waitFor({ timeout: 30_000 });

  // The run's page, its User Metadata tab.
  const paused = await untilShown(page, runId, [
    summary,
    'message: "Hello from the UI test"',
    `PAUSED: waiting for approval; resume with durable-wes resume ${runId} --input …`,
    `prepare hello.cwl at local/cwltool ${CWLTOOL.releases.default}`,
  ]);
  expect(paused.links).toContain(`${apiUrl}/runs/${runId}/status`);
  mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT });

  // Resumed, it is submitted, followed and done: so say its activities and its current details.
  await api.http.post(`${API}/runs/${runId}/resume`).send({}).expect(200);
  expect(await waitForState(api.http, runId)).toBe('COMPLETE');
  await untilShown(page, runId, ['COMPLETE: 1 output', `submit hello.cwl to local/cwltool ${CWLTOOL.releases.default}`, 'follow run ']);
});

test("a task's child runs carry their summary, and the task's current details name the gate it waits at", async () => {
  const definition = taskDocument({
    steps: [simulatedStep('compute'), { id: 'review', wait_for_input: { prompt: 'Publish?', schema: { type: 'object' } } }],
  });
  const fields = fieldParts({ workflow_type: 'DWES-TASK', workflow_type_version: '1.0', workflow_url: 'review.yaml' });
  const created = await postMultipart(api.http, [...fields, { name: 'workflow_attachment', filename: 'review.yaml', value: definition }]);
  const taskId = (created.body as { run_id: string }).run_id;
  expect(await waitForState(api.http, taskId, (state) => state === 'PAUSED')).toBe('PAUSED');

  const task = await api.harness.client.workflow.getHandle(taskId).describe();
  expect(await task.staticSummary()).toBe('DWES-TASK 1.0 · review.yaml');
  expect(await task.staticDetails()).toContain(`[steps](${apiUrl}/runs/${taskId}/tasks)`);
  const child = await api.harness.client.workflow.getHandle(`${taskId}.compute`).describe();
  expect(await child.staticSummary()).toBe('SIMULATED 1 · simulated: · simulated');
  expect(child.typedSearchAttributes.get(WesSummaryKey)).toBe('SIMULATED 1 · simulated: · simulated');
  expect(await child.staticDetails()).toContain(`[status](${apiUrl}/runs/${taskId}.compute/status)`);

  // What the UI asks for a run's current details: the SDK's metadata query.
  const metadata = await api.harness.client.workflow.getHandle(taskId).query<{ currentDetails: string }>('__temporal_workflow_metadata');
  expect(metadata.currentDetails.split('\n')[0]).toBe(
    `PAUSED: step review waits for input (Publish?); resume with \`durable-wes resume ${taskId} --input …\``,
  );
});

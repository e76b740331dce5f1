/**
 * A widely used WES client against durable-wes: `wes-client` of the GA4GH reference implementation
 * (PyPI wes-service 5.0) submits a CWL workflow with a File input, uploading the input as an
 * attachment while naming it in workflow_params by its absolute path on the client's machine, and
 * waits for the outputs. The local provider resolves that path to the attachment (README, "Providers").
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseProvidersConfig } from '../activities/providers/config';
import { API, createApiHarness, type ApiHarness } from './support/api-harness';
import { freePort } from './support/free-port';
import { EXAMPLES } from './support/harness';
import { ensureWesService } from './support/wes-service';

let api: ApiHarness;
let port: number;
let dir: string;
beforeAll(async () => {
  await ensureWesService();
  api = await createApiHarness({
    providers: parseProvidersConfig({ default: 'local', providers: { local: { kind: 'local', workflowRoots: [EXAMPLES] } } }, 'test'),
  });
  port = await freePort();
  await api.app.listen(port, '127.0.0.1');
  // The client's own files, outside the workflow roots: only their attachments reach the service.
  dir = mkdtempSync(path.join(os.tmpdir(), 'wes-client-'));
  copyFileSync(path.join(EXAMPLES, 'word-count', 'wc.cwl'), path.join(dir, 'wc.cwl'));
  writeFileSync(path.join(dir, 'words.txt'), 'one two three four five\n');
  writeFileSync(path.join(dir, 'job.json'), JSON.stringify({ text: { class: 'File', path: 'words.txt' } }));
}, 300_000);
afterAll(async () => {
  await api.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('wes-client submits a CWL workflow with a File input, waits, and gets its outputs', async () => {
  const wesClient = path.join(path.dirname(await ensureWesService()), 'wes-client');
  const { stdout } = await promisify(execFile)(
    wesClient,
    ['--host', `127.0.0.1:${port}`, '--proto', 'http', '--attachments', 'words.txt', '--wait', 'wc.cwl', 'job.json'],
    { cwd: dir, timeout: 120_000 },
  );
  // It prints the outputs, and exits 0 only for a COMPLETE run.
  const outputs = JSON.parse(stdout);
  expect(outputs.count).toMatchObject({ class: 'File' });
  const runs = (await api.http.get(`${API}/runs`).expect(200)).body.runs;
  const log = (await api.http.get(`${API}/runs/${runs[0].run_id}`).expect(200)).body;
  // The client named the input by its own path; it ran from the attachment.
  expect(log.request.workflow_params.text.location).toBe(`file://${path.join(dir, 'words.txt')}`);
  expect(log.state).toBe('COMPLETE');
}, 180_000);

/**
 * The example client (`npm run example`): submits the hello-world CWL workflow with its
 * attachment through the WES API, shows its state until it finishes, and prints its log and outputs.
 * It uses nothing but the standard WES 1.1 API, as any WES client would.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isTerminalWesState } from '../domain/wes-state';
import { loadConfig } from './config/config';
import { repoRoot } from '../activities/repo-root';

const base = loadConfig().exampleApiUrl;
// The CLI's variable: with auth on (WES_API_KEYS), `npm start` needs a key to submit its example.
const token = process.env.DURABLE_WES_TOKEN;
const workflowDir = path.join(repoRoot, 'examples', 'hello-world');

async function call<T>(method: string, url: string, body?: FormData): Promise<T> {
  const response = await fetch(`${base}${url}`, { method, body, headers: token ? { Authorization: `Bearer ${token}` } : {} });
  const json = (await response.json()) as T & { msg?: string };
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${json.msg ?? JSON.stringify(json)}`);
  return json;
}

async function main(): Promise<void> {
  const form = new FormData();
  form.set('workflow_type', 'CWL');
  form.set('workflow_type_version', 'v1.2');
  form.set('workflow_url', 'hello.cwl');
  form.set('workflow_params', JSON.stringify({ message: 'Hello from the durable-wes example client' }));
  form.set('tags', JSON.stringify({ example: 'hello-world' }));
  const cwl = await readFile(path.join(workflowDir, 'hello.cwl'));
  form.append('workflow_attachment', new Blob([cwl]), 'hello.cwl');

  const { run_id } = await call<{ run_id: string }>('POST', '/runs', form);
  console.log(`example: submitted ${run_id}`);
  let state = '';
  for (;;) {
    const status = await call<{ state: string }>('GET', `/runs/${run_id}/status`);
    if (status.state !== state) console.log(`example: ${run_id} is ${(state = status.state)}`);
    if (isTerminalWesState(state)) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const log = await call<Record<string, unknown>>('GET', `/runs/${run_id}`);
  console.log('example: run log', JSON.stringify(log.run_log, null, 2));
  console.log('example: outputs', JSON.stringify(log.outputs, null, 2));
  if (typeof log.temporal_ui_url === 'string') console.log(`example: in the Temporal UI: ${log.temporal_ui_url}`);
  if (state !== 'COMPLETE') process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error('example:', err instanceof Error ? err.message : err);
  process.exit(1);
});

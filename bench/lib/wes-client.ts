/**
 * The bench's only way into durable-wes: the WES REST API, as any client would use it. A run is
 * followed by polling its status, every 10 ms unless said otherwise, so the polling interval adds
 * at most that to a sample and the same to every sample.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isTerminalWesState } from '../../domain/wes-state';
import { now, sleep } from './time';

export const POLL_MS = 10;
const RUN_TIMEOUT_MS = 60_000;

export const HELLO_CWL = path.resolve(__dirname, '../../examples/hello-world/hello.cwl');

export type RunRequest = Record<string, unknown>;

export function simulatedRun(durationMs: number): RunRequest {
  return {
    workflow_type: 'SIMULATED',
    workflow_type_version: '1',
    workflow_url: 'simulated:',
    workflow_params: { duration_ms: durationMs },
    tags: { wes_provider: 'simulated' },
  };
}

export function helloWorldRun(message: string): RunRequest {
  return { workflow_type: 'CWL', workflow_type_version: 'v1.2', workflow_url: HELLO_CWL, workflow_params: { message } };
}

/** One run from POST to a terminal state; a state other than COMPLETE is a failed sample. */
export interface RunSample {
  runId: string;
  state: string;
  ms: number;
}

export class WesClient {
  constructor(readonly base: string) {}

  async submit(request: RunRequest): Promise<string> {
    const body = await this.call<{ run_id: string }>('POST', '/runs', JSON.stringify(request));
    return body.run_id;
  }

  /** A task (docs/tasks.md) whose definition goes as an attachment, as WES 1.1 sends workflow files. */
  async submitTask(definition: string, params: Record<string, unknown> = {}): Promise<string> {
    const form = new FormData();
    for (const [name, value] of Object.entries({
      workflow_type: 'DWES-TASK',
      workflow_type_version: '1.0',
      workflow_url: 'task.yaml',
      workflow_params: JSON.stringify(params),
    })) {
      form.append(name, value);
    }
    form.append('workflow_attachment', new Blob([definition]), 'task.yaml');
    const response = await fetch(`${this.base}/runs`, { method: 'POST', body: form });
    const text = await response.text();
    if (!response.ok) throw new Error(`POST /runs (task): ${response.status} ${text.slice(0, 500)}`);
    return (JSON.parse(text) as { run_id: string }).run_id;
  }

  /**
   * A run as WES 1.1 sends it, multipart with the workflow as an attachment: the form every WES
   * server takes, so that the same request goes to durable-wes and to Sapporo.
   */
  async submitForm(request: RunRequest, attachments: Record<string, string>): Promise<string> {
    const form = new FormData();
    for (const [name, value] of Object.entries(request)) form.append(name, typeof value === 'string' ? value : JSON.stringify(value));
    for (const [name, file] of Object.entries(attachments)) form.append('workflow_attachment', new Blob([readFileSync(file)]), name);
    const response = await fetch(`${this.base}/runs`, { method: 'POST', body: form });
    const text = await response.text();
    if (!response.ok) throw new Error(`POST /runs (form): ${response.status} ${text.slice(0, 500)}`);
    return (JSON.parse(text) as { run_id: string }).run_id;
  }

  /** A GET whose answer only needs to be OK: for latency samples of reads. */
  async get(url: string): Promise<void> {
    await this.call('GET', url);
  }

  async post(url: string, body?: unknown): Promise<void> {
    await this.call('POST', url, body === undefined ? undefined : JSON.stringify(body));
  }

  async state(runId: string): Promise<string> {
    return (await this.call<{ state: string }>('GET', `/runs/${runId}/status`)).state;
  }

  async waitTerminal(runId: string, pollMs = POLL_MS, timeoutMs = RUN_TIMEOUT_MS): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await this.state(runId);
      if (isTerminalWesState(state)) return state;
      if (Date.now() >= deadline) throw new Error(`run ${runId} still ${state} after ${timeoutMs} ms`);
      await sleep(pollMs);
    }
  }

  async run(request: RunRequest, pollMs = POLL_MS): Promise<RunSample> {
    const started = now();
    const runId = await this.submit(request);
    const state = await this.waitTerminal(runId, pollMs);
    return { runId, state, ms: now() - started };
  }

  private async call<T>(method: string, url: string, body?: string): Promise<T> {
    const response = await fetch(`${this.base}${url}`, {
      method,
      body,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  }
}

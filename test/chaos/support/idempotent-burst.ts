/**
 * Clients that submit runs concurrently, each POST with an Idempotency-Key of its own, and retry
 * whatever was not acknowledged (no answer, a dropped connection, a 5xx) with the same key, as a
 * careful WES client does when the API goes away under it.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface Submission {
  key: string;
  /** The acknowledged run id. */
  runId: string;
  /** POSTs made until one was acknowledged. */
  attempts: number;
}

export interface BurstOptions {
  /** The WES base URL. */
  url: string;
  keys: string[];
  clients: number;
  body(key: string): object;
  /** Called after each acknowledgement, with how many there have been. */
  onAck?(acknowledged: number): void;
  /** A key not acknowledged by then fails the burst. */
  deadlineMs: number;
}

const RETRY_PAUSE_MS = 100;
const REQUEST_TIMEOUT_MS = 10_000;

/** POST /runs once; the run id, or undefined when the request must be retried. */
export async function postRun(url: string, key: string, body: object): Promise<string | undefined> {
  let response: Response;
  try {
    response = await fetch(`${url}/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch {
    return undefined;
  }
  const answer = await response.text();
  if (response.status >= 500) return undefined;
  // A refusal is no outage: retrying it would hide a bug.
  if (response.status !== 200) throw new Error(`POST /runs (key ${key}): ${response.status} ${answer}`);
  return (JSON.parse(answer) as { run_id: string }).run_id;
}

export async function submitBurst(options: BurstOptions): Promise<Submission[]> {
  const pending = [...options.keys];
  const done: Submission[] = [];
  const deadline = Date.now() + options.deadlineMs;
  const client = async () => {
    for (let key = pending.shift(); key !== undefined; key = pending.shift()) {
      let attempts = 0;
      for (;;) {
        attempts += 1;
        const runId = await postRun(options.url, key, options.body(key));
        if (runId !== undefined) {
          done.push({ key, runId, attempts });
          options.onAck?.(done.length);
          break;
        }
        if (Date.now() > deadline) throw new Error(`key ${key}: not acknowledged after ${attempts} attempts`);
        await sleep(RETRY_PAUSE_MS);
      }
    }
  };
  await Promise.all(Array.from({ length: options.clients }, client));
  return done;
}

/**
 * What "nothing lost, nothing run twice" means, checked from the read model, the workflows and the
 * providers' own records after a fault.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { PostgresRunStore } from '../../../read-model/postgres-run-store';
import type { RunRow } from '../../../domain/run-rows';
import { isTerminal } from '../../../domain/state-machine';
import { isTerminalWesState } from '../../../domain/wes-state';
import { API, type ApiHarness } from '../../support/api-harness';
import { finalSnapshot } from '../../support/harness';

/** Every run of the read model that carries these tags, all pages, each run's whole row. */
export async function taggedRuns(runStore: PostgresRunStore, tags: Record<string, string>): Promise<RunRow[]> {
  const rows: RunRow[] = [];
  let pageToken: string | undefined;
  do {
    const page = await runStore.list({ pageSize: 500, tags, pageToken });
    // A run deleted between the page and its read is not there any more.
    for (const row of await Promise.all(page.runs.map((run) => runStore.get(run.runId)))) if (row) rows.push(row);
    pageToken = page.nextPageToken || undefined;
  } while (pageToken);
  return rows;
}

/** Grows with every projection that lands: each one raises its run's version. */
export const progress = (rows: RunRow[]): number => rows.reduce((sum, row) => sum + row.version, 0);

export const terminalCount = (rows: RunRow[]): number => rows.filter((row) => isTerminalWesState(row.wesState)).length;

/** How often the simulated provider accepted the run (its state file in the run's work dir). */
export function simulatedSubmissions(dataDir: string, runId: string): number {
  return (JSON.parse(readFileSync(path.join(dataDir, 'runs', runId, 'simulated.json'), 'utf8')) as { submissions: number }).submissions;
}

/** How often the local provider spawned the run's engine (its audit trail, one line a spawn). */
export function localLaunches(dataDir: string, runId: string): number {
  return readFileSync(path.join(dataDir, 'runs', runId, 'process', 'launches.log'), 'utf8')
    .trim()
    .split('\n').length;
}

/** How many times the run's backend was asked to start it, whichever of the two it ran on. */
export function submissions(dataDir: string, runId: string): number {
  return existsSync(path.join(dataDir, 'runs', runId, 'simulated.json'))
    ? simulatedSubmissions(dataDir, runId)
    : localLaunches(dataDir, runId);
}

interface TransitionLine {
  seq: number;
  type: string;
  from: string;
  to: string;
}
const summary = (t: TransitionLine) => `${t.seq} ${t.type}:${t.from}->${t.to}`;

/**
 * The read model holds exactly the workflow's own transitions, numbered 1..n without a gap or a
 * repeat, with one terminal transition. Returns the workflow's final state. A run that continued as
 * new holds only its latest transitions (workflows/run-ledger.ts, carryOver): they are the tail.
 */
export async function expectSameTransitions(client: Client, runId: string, recorded: TransitionLine[]): Promise<string> {
  const snapshot = await finalSnapshot(client.workflow.getHandle(runId));
  expect(recorded.slice((snapshot.transitions[0]?.seq ?? 1) - 1).map(summary)).toEqual(snapshot.transitions.map(summary));
  expect(recorded.map((t) => t.seq)).toEqual(recorded.map((_, i) => i + 1));
  expect(snapshot.transitions.filter((t) => isTerminal(t.to))).toHaveLength(1);
  return snapshot.state;
}

/** As recorded, read through the API; for scenarios whose read model was itself the fault. */
export async function expectRecordedOnce(api: ApiHarness, runId: string): Promise<void> {
  const { body } = await api.http.get(`${API}/runs/${runId}/transitions`).expect(200);
  await expectSameTransitions(api.harness.client, runId, body.transitions);
}

/** The run completed once: recorded once, its workflow succeeded, with one `init`, one submission (`step` with an external id) and one `finish`. */
export async function expectCompletedOnce(client: Client, runStore: PostgresRunStore, runId: string): Promise<void> {
  const transitions = await runStore.transitions(runId);
  expect({ runId, state: await expectSameTransitions(client, runId, transitions) }).toEqual({ runId, state: 'succeeded' });
  const count = (type: string) => transitions.filter((t) => t.type === type).length;
  const submitted = transitions.filter((t) => t.type === 'step' && t.payload?.external_id !== undefined).length;
  expect({ runId, init: count('init'), submitted, finish: count('finish') }).toEqual({ runId, init: 1, submitted: 1, finish: 1 });
}

/**
 * What "nothing lost, nothing run twice" means, checked from the read model, the workflows and the
 * providers' own records after a fault.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { PostgresRunStore } from '../../../src/database/postgres-run-store';
import type { RunRow } from '../../../src/database/run-store';
import { isTerminalWesState } from '../../../workflows/wes-state';
import { finalSnapshot } from '../../support/harness';

/** Every run of the read model that carries these tags, all pages. */
export async function taggedRuns(runStore: PostgresRunStore, tags: Record<string, string>): Promise<RunRow[]> {
  const rows: RunRow[] = [];
  let pageToken: string | undefined;
  do {
    const page = await runStore.list({ pageSize: 500, tags, pageToken });
    rows.push(...page.runs);
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
  return readFileSync(path.join(dataDir, 'runs', runId, 'process', 'launches.log'), 'utf8').trim().split('\n').length;
}

/**
 * The run completed once: its workflow succeeded, and the read model holds exactly the workflow's
 * transitions, numbered from 1 without a gap, with one `init`, one submission (`step` with an
 * external id) and one `finish`.
 */
export async function expectCompletedOnce(client: Client, runStore: PostgresRunStore, runId: string): Promise<void> {
  const snapshot = await finalSnapshot(client.workflow.getHandle(runId));
  expect({ runId, state: snapshot.state }).toEqual({ runId, state: 'succeeded' });
  const brief = (t: { seq: number; type: string; from: string; to: string }) => ({ seq: t.seq, type: t.type, from: t.from, to: t.to });
  const transitions = await runStore.transitions(runId);
  expect(transitions.map(brief)).toEqual(snapshot.transitions.map(brief));
  expect(transitions.map((t) => t.seq)).toEqual(transitions.map((_, i) => i + 1));
  const count = (type: string) => transitions.filter((t) => t.type === type).length;
  const submissions = transitions.filter((t) => t.type === 'step' && t.payload?.external_id !== undefined).length;
  expect({ runId, init: count('init'), submissions, finish: count('finish') }).toEqual({ runId, init: 1, submissions: 1, finish: 1 });
}

/**
 * The runs the cluster suites submit: simulated ones by the hundred and real cwltool ones, each
 * tagged with its burst and its Idempotency-Key, and what is checked of them afterwards.
 */
import path from 'node:path';
import type { temporal } from '@temporalio/proto';
import { EXAMPLES } from '../../support/harness';
import { expectCompletedOnce, submissions as backendSubmissions, taggedRuns } from '../../chaos/support/exactly-once';
import type { Submission } from '../../chaos/support/idempotent-burst';
import type { Cluster } from './cluster';

const HELLO_CWL = path.join(EXAMPLES, 'hello-world/hello.cwl');

export function simulatedRun(durationMs: number) {
  return {
    workflow_type: 'SIMULATED',
    workflow_type_version: '1',
    workflow_url: 'simulated:',
    workflow_params: { duration_ms: durationMs },
  };
}

/** Every `cwlEvery`-th key is a cwltool run, the rest simulated runs of `simulatedMs`. */
export function mixedBody(tags: Record<string, string>, simulatedMs: number, cwlEvery: number) {
  return (key: string): object => {
    const index = Number(key.slice(key.lastIndexOf('-') + 1));
    return index % cwlEvery === cwlEvery - 1
      ? {
          workflow_type: 'CWL',
          workflow_type_version: 'v1.2',
          workflow_url: HELLO_CWL,
          workflow_params: { message: key },
          tags: { ...tags, key },
        }
      : { ...simulatedRun(simulatedMs), tags: { ...tags, key, wes_provider: 'simulated' } };
  };
}

/**
 * Nothing lost, nothing twice: one run per key, the read model holds exactly the acknowledged runs,
 * each completed once in Temporal and in the read model, and its backend was asked to start it once.
 */
export async function expectEachOnce(
  cluster: Cluster,
  tags: Record<string, string>,
  acknowledged: Submission[],
  keys: string[],
): Promise<void> {
  expect(acknowledged.map((s) => s.key).sort()).toEqual([...keys].sort());
  const byRun = new Map(acknowledged.map((s) => [s.runId, s.key]));
  expect(byRun.size).toBe(keys.length);
  const rows = await taggedRuns(cluster.runStore, tags);
  expect(rows.map((row) => [row.runId, row.request.tags?.key]).sort()).toEqual([...byRun.entries()].sort());
  for (const { runId } of acknowledged) {
    await expectCompletedOnce(cluster.client, cluster.runStore, runId);
    expect({ runId, submissions: backendSubmissions(cluster.dataDir, runId) }).toEqual({ runId, submissions: 1 });
  }
}

/** The workers (pid@host) whose hands a run's history shows: workflow tasks and activities. */
export async function workersOf(cluster: Cluster, runId: string): Promise<Set<string>> {
  const history = await cluster.client.workflow.getHandle(runId).fetchHistory();
  const identities = (history.events ?? []).map(
    (event: temporal.api.history.v1.IHistoryEvent) =>
      event.workflowTaskCompletedEventAttributes?.identity ?? event.activityTaskStartedEventAttributes?.identity ?? undefined,
  );
  return new Set(identities.filter((identity): identity is string => !!identity));
}

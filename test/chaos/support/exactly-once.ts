/**
 * "Nothing lost, nothing twice" for one run after a chaos scenario: its workflow's own record
 * (Temporal) and the read model (through the API) agree transition by transition, numbered 1..n
 * without a gap or a repeat, with one terminal transition; and its backend submitted it once.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isTerminal } from '../../../workflows/state-machine';
import { API, type ApiHarness } from '../../support/api-harness';
import { finalSnapshot } from '../../support/harness';

const summary = (t: { seq: number; type: string; from: string; to: string }) => `${t.seq} ${t.type}:${t.from}->${t.to}`;

export async function expectRecordedOnce(api: ApiHarness, runId: string): Promise<void> {
  const snapshot = await finalSnapshot(api.harness.client.workflow.getHandle(runId));
  const { body } = await api.http.get(`${API}/runs/${runId}/transitions`).expect(200);
  const recorded = (body.transitions as Array<{ seq: number; type: string; from: string; to: string }>).map(summary);
  expect(recorded).toEqual(snapshot.transitions.map(summary));
  expect(recorded.map((line) => Number(line.split(' ')[0]))).toEqual(recorded.map((_, i) => i + 1));
  expect(snapshot.transitions.filter((t) => isTerminal(t.to))).toHaveLength(1);
}

/** How many times the run's backend was asked to start it: the simulated provider's count, or local engine launches. */
export function submissions(dataDir: string, runId: string): number {
  const runDir = path.join(dataDir, 'runs', runId);
  const simulated = path.join(runDir, 'simulated.json');
  if (existsSync(simulated)) return JSON.parse(readFileSync(simulated, 'utf8')).submissions;
  return readFileSync(path.join(runDir, 'process', 'launches.log'), 'utf8').trim().split('\n').length;
}

/**
 * Runs past a cap wait QUEUED (docs/design.md, "WES states", "The sandbox of a local run"): the
 * host's cap of running engines and an owner's cap, through the API, Temporal's search attribute
 * and the run's history, with real cwltool runs in the sandbox on the real stack.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { parseProvidersConfig } from '../../activities/providers/config';
import { WesStateKey } from '../../domain/search-attributes';
import { API, createApiHarness, waitForState, type ApiHarness, type Http } from '../support/api-harness';
import { keyAuth, READ_WRITE, testKey } from '../support/auth';
import { EXAMPLES } from '../support/harness';
import { cwlRun, submitRun } from '../support/submit-run';
import { probeRoots } from '../support/probe-roots';

jest.setTimeout(180_000);

let api: ApiHarness;
let http: Http;
let roots: string;

beforeAll(async () => {
  roots = await probeRoots('queue-probes-');
  const local = { kind: 'local', workflowRoots: [roots, EXAMPLES], pollIntervalMs: 100 };
  const providers = parseProvidersConfig(
    { default: 'single', providers: { single: { ...local, maxEngines: 1 }, owned: { ...local, maxEngines: 8, maxEnginesPerOwner: 1 } } },
    'queue test',
  );
  api = await createApiHarness({ providers, workflowRoots: [roots, EXAMPLES] });
  http = api.http;
});

// The roots are made before the harness exists: they are removed even when the harness never started.
afterAll(async () => {
  try {
    await api.stop();
  } finally {
    await rm(roots, { recursive: true, force: true });
  }
});

const sh = (script: string, provider: string) => cwlRun(path.join(roots, 'sh.cwl'), { script }, { tags: { wes_provider: provider } });

async function transitions(client: Http, runId: string, as?: string): Promise<Array<{ type: string; payload?: Record<string, unknown> }>> {
  const request = client.get(`${API}/runs/${runId}/transitions`);
  if (as) request.auth(testKey(as), { type: 'bearer' });
  return (await request.expect(200)).body.transitions;
}

/** Until the run's provider holds it queued: its log has a `queue` transition; returns that transition's detail. */
async function untilQueued(client: Http, runId: string, as?: string): Promise<string> {
  for (const end = Date.now() + 60_000; Date.now() < end; await new Promise((resolve) => setTimeout(resolve, 200))) {
    const queued = (await transitions(client, runId, as)).find((t) => t.type === 'queue');
    if (queued) return String(queued.payload?.detail);
  }
  throw new Error(`run ${runId} was never queued at its provider`);
}

const searchedState = async (runId: string) =>
  (await api.harness.client.workflow.getHandle(runId).describe()).typedSearchAttributes.get(WesStateKey);
const historyLength = async (runId: string) => (await api.harness.client.workflow.getHandle(runId).fetchHistory()).events?.length ?? 0;

test('with maxEngines 1 a second run shows QUEUED everywhere while the first runs, costs no history while it waits, then RUNNING and COMPLETE', async () => {
  const holder = await submitRun(http, sh('sleep 60', 'single'));
  await waitForState(http, holder, (state) => state === 'RUNNING');
  const waiting = await submitRun(http, sh('sleep 2; echo my turn', 'single'));
  expect(await untilQueued(http, waiting)).toContain('this host runs at most 1 engines at once');

  // Queued through every view: the status, the list (and its filter), Temporal's search attribute.
  expect((await http.get(`${API}/runs/${waiting}/status`).expect(200)).body.state).toBe('QUEUED');
  const listed = (await http.get(`${API}/runs?state=QUEUED`).expect(200)).body.runs.map((run: { run_id: string }) => run.run_id);
  expect(listed).toContain(waiting);
  await expect(searchedState(waiting)).resolves.toBe('QUEUED');

  // Waiting adds nothing to the run's history, and it stays queued.
  const before = await historyLength(waiting);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  expect(await historyLength(waiting)).toBe(before);
  expect((await http.get(`${API}/runs/${waiting}/status`).expect(200)).body.state).toBe('QUEUED');

  await http.post(`${API}/runs/${holder}/cancel`).expect(200);
  await waitForState(http, waiting, (state) => state === 'RUNNING');
  await expect(searchedState(waiting)).resolves.toBe('RUNNING');
  expect(await waitForState(http, waiting)).toBe('COMPLETE');
  const types = (await transitions(http, waiting)).map((t) => t.type);
  expect(types).toEqual(['init', 'step', 'queue', 'step', 'finish']);
  // A run that found a free slot was never queued at its provider.
  expect((await transitions(http, holder)).map((t) => t.type)).not.toContain('queue');
});

test("past an owner's cap, that owner's next run waits QUEUED while another owner's runs; it survives a worker restart", async () => {
  const { http: authed } = await api.createApp({ ...keyAuth(['alice', 'alice', READ_WRITE], ['bob', 'bob', READ_WRITE]) });
  const status = async (runId: string, as: string) =>
    (await authed.get(`${API}/runs/${runId}/status`).auth(testKey(as), { type: 'bearer' }).expect(200)).body.state;
  const until = async (runId: string, as: string, wanted: (state: string) => boolean) => {
    for (const end = Date.now() + 90_000; Date.now() < end; await new Promise((resolve) => setTimeout(resolve, 200))) {
      const state = await status(runId, as);
      if (wanted(state)) return state;
    }
    throw new Error(`run ${runId} did not reach the state awaited`);
  };

  const first = await submitRun(authed, sh('sleep 60', 'owned'), { bearer: testKey('alice') });
  await until(first, 'alice', (state) => state === 'RUNNING');
  const second = await submitRun(authed, sh('echo second', 'owned'), { bearer: testKey('alice') });
  expect(await untilQueued(authed, second, 'alice')).toContain(
    'waiting for a slot of its owner: this host runs at most 1 engines of one owner at once',
  );
  expect(await status(second, 'alice')).toBe('QUEUED');

  // Another owner is not held up by alice's cap.
  const other = await submitRun(authed, sh('echo other', 'owned'), { bearer: testKey('bob') });
  expect(await until(other, 'bob', (state) => state === 'COMPLETE' || state.includes('ERROR'))).toBe('COMPLETE');
  expect((await transitions(authed, other, 'bob')).map((t) => t.type)).not.toContain('queue');

  // The slots are held by the engines' shells, not by the worker: a new worker finds alice still capped.
  await api.harness.restartWorker();
  await new Promise((resolve) => setTimeout(resolve, 2000));
  expect(await status(second, 'alice')).toBe('QUEUED');

  await authed.post(`${API}/runs/${first}/cancel`).auth(testKey('alice'), { type: 'bearer' }).expect(200);
  expect(await until(second, 'alice', (state) => state === 'COMPLETE' || state.includes('ERROR'))).toBe('COMPLETE');
  const types = (await transitions(authed, second, 'alice')).map((t) => t.type);
  expect(types.slice(0, 3)).toEqual(['init', 'step', 'queue']);
  expect(types.at(-1)).toBe('finish');
});

test('service-info shows both caps of a local provider', async () => {
  const { body } = await http.get(`${API}/service-info`).expect(200);
  expect(body.tags['sandbox.single']).toMatch(/; at most 1 engines at once$/);
  expect(body.tags['sandbox.owned']).toMatch(/; at most 8 engines at once, 1 of one owner$/);
});

/** Real CWL through cwltool, end to end: workflow, worker, local provider, on the real dev server. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { liveGroupMembers } from '../activities/providers/local/process';
import { eventually } from './support/eventually';
import { createHarness, DEFAULT_CWLTOOL, EXAMPLES, finalSnapshot, type Harness, transitionTypes, waitForSnapshot } from './support/harness';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.stop();
});

const cwl = (example: string, workflow_params: Record<string, unknown>) => ({
  workflow_type: 'CWL',
  workflow_type_version: 'v1.2',
  workflow_url: path.join(EXAMPLES, example),
  workflow_params,
});

test('hello-world CWL completes with its output file', async () => {
  const handle = await h.start(cwl('hello-world/hello.cwl', { message: 'Hello from a test' }), { provider: 'local' });
  const result = await finalSnapshot(handle);
  expect(result.state).toBe('succeeded');
  expect(result.wesState).toBe('COMPLETE');
  expect(result.provider).toBe('local');
  const greeting = result.outputs.greeting as { class: string; location: string; basename: string };
  expect(greeting).toMatchObject({ class: 'File', basename: 'hello.txt' });
  expect(readFileSync(new URL(greeting.location), 'utf8')).toBe('Hello from a test\n');
  expect(result.log).toMatchObject({ name: 'cwltool', exit_code: 0 });
  expect(result.log.cmd?.[0]).toBe(DEFAULT_CWLTOOL);
  expect(readFileSync(result.log.stderr!, 'utf8')).toContain('Final process status is success');
  expect(result.cleaned).toBe(true);
});

test('a Snakemake workflow completes with its output files', async () => {
  const handle = await h.start(
    {
      workflow_type: 'SMK',
      workflow_type_version: '1.0',
      workflow_url: path.join(EXAMPLES, 'snakemake-hello', 'Snakefile'),
      workflow_params: { message: 'three words here' },
      workflow_engine_parameters: { '--cores': '2' },
    },
    { provider: 'local' },
  );
  const result = await finalSnapshot(handle);
  expect(result.state).toBe('succeeded');
  const words = result.outputs['results/words.txt'] as { location: string };
  expect(readFileSync(new URL(words.location), 'utf8').trim()).toBe('3');
  expect(Object.keys(result.outputs).sort()).toEqual(['results/greeting.txt', 'results/words.txt']);
  expect(result.log).toMatchObject({ name: 'snakemake', exit_code: 0 });
  expect(result.log.cmd).toEqual(expect.arrayContaining(['--cores', '2']));
});

test('engine parameters outside the allow-list are refused before the run starts', async () => {
  const result = await finalSnapshot(
    await h.start(
      { ...cwl('hello-world/hello.cwl', { message: 'x' }), workflow_engine_parameters: { '--user-space-docker-cmd': 'sh -c evil' } },
      { provider: 'local' },
    ),
  );
  expect(result).toMatchObject({ state: 'failed', failureReason: 'executor_error' });
  expect(result.error).toContain("parameter '--user-space-docker-cmd' is not allowed");
  expect(result.externalId).toBeUndefined();
});

test('a failing CWL tool ends as EXECUTOR_ERROR with its stderr', async () => {
  const result = await finalSnapshot(await h.start(cwl('fail/fail.cwl', {}), { provider: 'local' }));
  expect(result).toMatchObject({ state: 'failed', failureReason: 'executor_error', wesState: 'EXECUTOR_ERROR' });
  expect(result.error).toContain('boom');
  expect(result.log.exit_code).not.toBe(0);
});

test('a workflow outside the allowed roots is refused before it starts', async () => {
  const result = await finalSnapshot(await h.start({ ...cwl('x', {}), workflow_url: '/etc/passwd' }, { provider: 'local' }));
  expect(result).toMatchObject({ state: 'failed', failureReason: 'executor_error' });
  expect(result.error).toContain('outside the allowed workflow roots');
});

test('cancel stops the whole cwltool process group', async () => {
  const handle = await h.start(cwl('sleep/sleep.cwl', { seconds: 120 }), { provider: 'local' });
  await waitForSnapshot(handle, (s) => s.externalId !== undefined);
  const pid = Number(readFileSync(path.join(h.dataDir, 'runs', handle.workflowId, 'process', 'pid'), 'utf8'));
  await handle.cancel();
  const result = await finalSnapshot(handle);
  expect(result.state).toBe('cancelled');
  expect(transitionTypes(result).at(-1)).toBe('cancelled:cancelled');
  // A sandbox's namespaces go with their last process, which can take the kernel a moment.
  expect(
    await eventually(
      () => liveGroupMembers(pid),
      (members) => members.length === 0,
      { timeoutMs: 10_000, intervalMs: 100, what: 'the engine group to be gone' },
    ),
  ).toEqual([]);
});

/**
 * The CLI on runs that wait and on tasks (README "CLI"), spawned as a user runs it against the real
 * API, worker, Temporal, PostgreSQL and cwltool: a PAUSED run says what it waits for and the exact
 * command that resumes it; `tasks` lists a task's steps and child runs; a task's `outputs` and
 * `logs` are its children's; Ctrl-C while following says that the run goes on.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { API, fieldParts, postMultipart, waitForState, type ApiHarness } from './support/api-harness';
import { runCli, startCli } from './support/cli';
import { eventually } from './support/eventually';
import { useCliServer } from './support/cli-server';
import { EXAMPLES } from './support/harness';

let api: ApiHarness;
let url: string;
let dir: string;
useCliServer('cli-tasks', (server) => ({ api, url, dir } = server));

const BIN = path.resolve(__dirname, '../bin/durable-wes.js');
const RUN_ID = /run-[0-9a-f-]{36}/;
const cli = (...args: string[]) => runCli(args, { url });

interface DefinitionStep {
  run?: Record<string, unknown>;
  parallel?: { branches: Array<{ steps: DefinitionStep[] }> };
}

/** An example task, its run steps (branches' too) on the simulated provider. */
function onSimulated(example: string): string {
  const task = parse(readFileSync(path.join(EXAMPLES, 'tasks', example), 'utf8'));
  const visit = (steps: DefinitionStep[]): void => {
    for (const step of steps) {
      if (step.run) step.run.provider = 'simulated';
      for (const branch of step.parallel?.branches ?? []) visit(branch.steps);
    }
  };
  visit(task.steps);
  return stringify(task);
}
const reviewAndPublish = () => onSimulated('review-and-publish.yaml');

/** POST /runs as curl sends a task with its definition attached. */
async function submitTask(definition: string, ...more: Array<{ name: string; value: string | Buffer; filename: string }>): Promise<string> {
  const { body } = await postMultipart(api.http, [
    ...fieldParts({ workflow_type: 'DWES-TASK', workflow_type_version: '1.0', workflow_url: 'task.yaml' }),
    { name: 'workflow_attachment', value: definition, filename: 'task.yaml' },
    ...more.map((part) => ({ ...part, name: 'workflow_attachment' })),
  ]).expect(200);
  return body.run_id;
}

/** A command the CLI printed, run by a shell in which `durable-wes` is this checkout's. */
function runInShell(command: string): Promise<{ code: number | null; stdout: string }> {
  const child = spawn('bash', ['-c', `durable-wes() { "${process.execPath}" "${BIN}" "$@"; }\n${command}`], {
    env: { ...process.env, DURABLE_WES_URL: url },
  });
  let stdout = '';
  child.stdout.on('data', (data) => (stdout += data));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout })));
}

const printed = (text: string, label: string): string => new RegExp(`^${label}: +(.+)$`, 'm').exec(text)?.[1] ?? '';

test('a task PAUSED at its gate: status prints the prompt, the input in short and the resume command, which resumes it; tasks lists its steps', async () => {
  const runId = await submitTask(reviewAndPublish());
  expect(await waitForState(api.http, runId, (state) => state === 'PAUSED')).toBe('PAUSED');
  const status = await cli('status', runId);
  expect(status.code).toBe(0);
  expect(status.stdout).toMatch(/^state: +PAUSED$/m);
  expect(printed(status.stdout, 'waits for')).toBe('review: Publish 6 results labelled demo?');
  // The gate's schema (input_schema of GET /runs/{id}/tasks).
  expect(printed(status.stdout, 'input')).toBe('approved: boolean (required); note: string');
  const resume = printed(status.stdout, 'resume');
  expect(resume).toBe(`durable-wes resume ${runId} --input '{"approved": true}'`);

  const waiting = await cli('tasks', runId);
  expect(waiting.code).toBe(0);
  expect(waiting.stdout.split('\n')[0]).toMatch(/^STEP +KIND +STATE +CHILD RUN +STARTED +ENDED$/);
  expect(waiting.stdout).toMatch(new RegExp(`^compute +run +COMPLETE +${runId}\\.compute `, 'm'));
  expect(waiting.stdout).toMatch(/^review +wait_for_input +PAUSED /m);

  expect(await runInShell(resume)).toMatchObject({ code: 0, stdout: `${runId}: RUNNING\n` });
  expect(await waitForState(api.http, runId)).toBe('COMPLETE');
  const done = await cli('--json', 'tasks', runId);
  expect(done.code).toBe(0);
  expect(
    JSON.parse(done.stdout).tasks.map((row: { id: string; kind: string; state: string; child_run_id?: string }) => [
      row.id,
      row.kind,
      row.state,
      row.child_run_id,
    ]),
  ).toEqual([
    ['compute', 'run', 'COMPLETE', `${runId}.compute`],
    ['review', 'wait_for_input', 'COMPLETE', undefined],
    ['publish', 'run', 'COMPLETE', `${runId}.publish`],
  ]);
  const outputs = await cli('outputs', runId);
  expect(outputs.code).toBe(0);
  expect(outputs.stdout).toMatch(/^review +\(input\) +\{"approved":true\}$/m);
  expect(outputs.stdout).toMatch(/^publish +published +6$/m);
});

test('submit --wait on a task: what its gate waits for is printed once it pauses, and it follows the task on after resume --input in YAML; tasks --follow to the end', async () => {
  const task = path.join(dir, 'review.yaml');
  writeFileSync(task, reviewAndPublish());
  const waiting = startCli(['submit', task, '--type', 'DWES-TASK', '--type-version', '1.0', '--wait'], { url });
  const runId = (await eventually(() => RUN_ID.exec(waiting.output().stderr)?.[0], Boolean, { what: 'the state line' }))!;
  const following = startCli(['--json', 'tasks', runId, '--follow'], { url });
  await eventually(
    () => waiting.output().stderr,
    (stderr) => stderr.includes('resume:'),
    { what: 'the resume command', timeoutMs: 60_000 },
  );
  const { stderr } = waiting.output();
  expect(stderr).toContain('waits for: review: Publish 6 results labelled demo?\n');
  expect(stderr).toContain(`resume:    durable-wes resume ${runId} --input '{"approved": true}'\n`);
  expect(waiting.output().code).toBeNull();
  await eventually(
    () => following.output().stdout,
    (stdout) => stdout.includes('"id":"review"') && stdout.includes('"state":"PAUSED"'),
    { what: 'tasks --follow to show the gate waiting' },
  );

  const resumed = await cli('resume', runId, '--input', '{approved: true, note: "from YAML"}');
  expect(resumed).toMatchObject({ code: 0, stdout: `${runId}: RUNNING\n` });
  const result = await waiting.done;
  expect(result.code).toBe(0);
  expect(result.stderr).toMatch(new RegExp(`✔ ${runId} COMPLETE`));
  // Printed once: the run entered PAUSED once.
  expect(result.stderr.match(/^resume: /gm)).toHaveLength(1);
  expect(result.stdout).toBe('outputs:\n  count: 6\n  approved: true\n');
  const log = (await api.http.get(`${API}/runs/${runId}.publish`).expect(200)).body;
  expect(log.request.workflow_params.outputs.note).toBe('from YAML');

  const followed = await following.done;
  expect(followed.code).toBe(0);
  const lines = followed.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  expect(lines.at(-1)).toEqual({ end: { state: 'COMPLETE' } });
  const last = new Map(lines.slice(0, -1).map((row) => [row.id, row.state]));
  expect(Object.fromEntries(last)).toEqual({ compute: 'COMPLETE', review: 'COMPLETE', publish: 'COMPLETE' });
  expect(lines).toContainEqual(expect.objectContaining({ id: 'review', kind: 'wait_for_input', state: 'PAUSED' }));
});

test("tasks: a parallel step's branches under it, their steps under them, each with its kind, state and child run", async () => {
  const runId = await submitTask(onSimulated('fan-out.yaml'));
  expect(await waitForState(api.http, runId)).toBe('COMPLETE');
  const { code, stdout } = await cli('tasks', runId);
  expect(code).toBe(0);
  const rows = stdout
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => /^(\s*\S+) +(\S+) +(\S+)(?: +(run-\S+))? +\S+ +\S+$/.exec(line)?.slice(1, 5));
  const child = (step: string) => `${runId}.${step}`;
  expect(rows).toEqual([
    ['prepare', 'run', 'COMPLETE', child('prepare')],
    ['process', 'parallel', 'COMPLETE', undefined],
    ['  left', 'branch', 'COMPLETE', undefined],
    ['    process_left', 'run', 'COMPLETE', child('process_left')],
    ['  right', 'branch', 'COMPLETE', undefined],
    ['    process_right', 'run', 'EXECUTOR_ERROR', child('process_right')],
    ['    check_right', 'run', 'COMPLETE', child('check_right')],
    ['summarize', 'run', 'COMPLETE', child('summarize')],
  ]);
});

test("a task's outputs are its child runs' files as download URLs and its gate's input; --download puts them below DIR/<step>; logs are the children's", async () => {
  const definition = stringify({
    dwes_task: '1.0',
    steps: [
      {
        id: 'hello',
        run: {
          provider: 'local',
          workflow_url: 'hello.cwl',
          workflow_type: 'CWL',
          workflow_type_version: 'v1.2',
          workflow_params: { message: 'from a step' },
        },
      },
      {
        id: 'check',
        wait_for_input: { prompt: 'Is it right?', schema: { type: 'object', required: ['ok'], properties: { ok: { type: 'boolean' } } } },
      },
    ],
  });
  const runId = await submitTask(definition, {
    name: 'workflow_attachment',
    value: readFileSync(path.join(EXAMPLES, 'hello-world', 'hello.cwl')),
    filename: 'hello.cwl',
  });
  await waitForState(api.http, runId, (state) => state === 'PAUSED');
  await api.http.post(`${API}/runs/${runId}/resume`).send({ ok: true }).expect(200);
  expect(await waitForState(api.http, runId)).toBe('COMPLETE');

  const outputs = await cli('outputs', runId);
  expect(outputs.code).toBe(0);
  expect(outputs.stdout.split('\n')[0]).toMatch(/^STEP +OUTPUT +SIZE +URL OR VALUE$/);
  expect(outputs.stdout).toMatch(new RegExp(`^hello +hello\\.txt +12 +${url}/runs/${runId}\\.hello/outputs/hello\\.txt$`, 'm'));
  expect(outputs.stdout).toMatch(/^check +\(input\) +\{"ok":true\}$/m);
  const target = path.join(dir, 'task-outputs');
  const downloaded = await cli('outputs', runId, '--download', target);
  expect(downloaded).toMatchObject({ code: 0, stdout: `${path.join(target, 'hello', 'hello.txt')}\n` });
  expect(readFileSync(path.join(target, 'hello', 'hello.txt'), 'utf8')).toBe('from a step\n');

  const stderr = await cli('logs', runId, '--stderr');
  expect(stderr.code).toBe(0);
  expect(stderr.stdout).toMatch(new RegExp(`^==> hello \\(${runId}\\.hello\\) <==\\n`));
  expect(stderr.stdout).toContain('completed success');
  const followed = await cli('logs', runId, '--stderr', '--follow');
  expect(followed).toMatchObject({ code: 0, stdout: stderr.stdout });
  const json = await cli('--json', 'logs', runId);
  expect(JSON.parse(json.stdout).steps).toEqual([{ step: 'hello', run_id: `${runId}.hello`, text: expect.stringContaining('hello.txt') }]);
});

test('a run held by --require-approval: status says so and prints the resume command, which starts it', async () => {
  const params = path.join(dir, 'quick.json');
  writeFileSync(params, JSON.stringify({ duration_ms: 0 }));
  const submitted = await cli(
    'submit',
    'simulated:',
    '--type',
    'SIMULATED',
    '--type-version',
    '1',
    '--params',
    params,
    '--require-approval',
  );
  const runId = submitted.stdout.trim();
  await waitForState(api.http, runId, (state) => state === 'PAUSED');
  const status = await cli('status', runId);
  expect(printed(status.stdout, 'waits for')).toMatch(/^approval \(--require-approval\)/);
  const resume = printed(status.stdout, 'resume');
  expect(resume).toBe(`durable-wes resume ${runId} --input '{}'`);
  expect((await runInShell(resume)).code).toBe(0);
  expect(await waitForState(api.http, runId)).toBe('COMPLETE');
});

test('Ctrl-C on submit --wait and on transitions --follow: the run goes on, and stderr says how to cancel it; exit 130', async () => {
  const params = path.join(dir, 'long.json');
  writeFileSync(params, JSON.stringify({ duration_ms: 600_000 }));
  const waiting = startCli(['submit', 'simulated:', '--type', 'SIMULATED', '--type-version', '1', '--params', params, '--wait'], { url });
  const runId = (await eventually(() => RUN_ID.exec(waiting.output().stderr)?.[0], Boolean, { what: 'the state line' }))!;
  await waitForState(api.http, runId, (state) => state === 'RUNNING');
  waiting.child.kill('SIGINT');
  const result = await waiting.done;
  expect(result.code).toBe(130);
  expect(result.stderr).toContain(`run ${runId} goes on on the server; to cancel it: durable-wes cancel ${runId}\n`);
  expect((await api.http.get(`${API}/runs/${runId}/status`).expect(200)).body.state).toBe('RUNNING');
  // So do the commands that follow a run.
  const following = startCli(['transitions', runId, '--follow'], { url });
  await eventually(
    () => following.output().stdout,
    (stdout) => stdout.includes('init'),
    { what: 'the transitions so far' },
  );
  following.child.kill('SIGINT');
  expect(await following.done).toMatchObject({ code: 130, stderr: expect.stringContaining(`to cancel it: durable-wes cancel ${runId}\n`) });
  await api.http.post(`${API}/runs/${runId}/cancel`).expect(200);
  expect(await waitForState(api.http, runId)).toBe('CANCELED');
});

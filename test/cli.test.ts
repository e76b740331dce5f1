/**
 * The `durable-wes` command end to end: spawned as a user runs it, against the real API, worker,
 * Temporal, PostgreSQL and cwltool. Exit codes are those of README "CLI".
 */
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { API, download, waitForState, type ApiHarness } from './support/api-harness';
import { keyAuth, READ_WRITE, testKey } from './support/auth';
import { runCli, startCli } from './support/cli';
import { eventually } from './support/eventually';
import { useCliServer } from './support/cli-server';
import { freePort } from './support/free-port';
import { EXAMPLES } from './support/harness';

let api: ApiHarness;
let url: string;
let dir: string;
useCliServer('cli', (server) => ({ api, url, dir } = server));

const RUN_ID = /run-[0-9a-f-]{36}/;
const cli = (...args: string[]) => runCli(args, { url });

/** A file of the test's own, made with its directories. */
function write(relative: string, text: string): string {
  const file = path.join(dir, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

/** A CWL workflow whose step runs a tool in a sibling directory, and parameters naming a data file relative to themselves. */
function wordCountProject(): { workflow: string; params: string } {
  copyFileSync(path.join(EXAMPLES, 'word-count', 'wc.cwl'), write('project/tools/wc.cwl', ''));
  write('project/data/words.txt', 'one two three four five\n');
  const workflow = write(
    'project/workflows/count.cwl',
    [
      'cwlVersion: v1.2',
      'class: Workflow',
      'inputs:',
      '  text: File',
      'outputs:',
      '  count:',
      '    type: File',
      '    outputSource: count/count',
      'steps:',
      '  count:',
      '    run: ../tools/wc.cwl',
      '    in: { text: text }',
      '    out: [count]',
      '',
    ].join('\n'),
  );
  const params = write('project/inputs/job.yaml', 'text:\n  class: File\n  path: ../data/words.txt\n');
  return { workflow, params };
}

const simulated = (params: Record<string, unknown>, ...args: string[]) => {
  const file = write(`params/${randomUUID()}.json`, JSON.stringify(params));
  return cli('submit', 'simulated:', '--type', 'SIMULATED', '--type-version', '1', '--params', file, ...args);
};

test('submit --wait: a CWL workflow, its tool and its File input uploaded; the state line, the outputs, exit 0; outputs --download', async () => {
  const { workflow, params } = wordCountProject();
  const result = await cli('submit', workflow, '--params', params, '--provider', 'local', '--wait');
  expect(result).toMatchObject({ code: 0 });
  const runId = RUN_ID.exec(result.stderr)![0];
  // The state line (one line per state off a terminal), then the outcome.
  expect(result.stderr).toContain(`${runId} RUNNING`);
  expect(result.stderr).toMatch(new RegExp(`✔ ${runId} COMPLETE`));
  // The engine's own output came through the log streams.
  expect(result.stderr).toContain('[workflow ] completed success');
  expect(result.stdout).toBe(`outputs:\n  count: ${url}/runs/${runId}/outputs/count.txt\n`);

  const log = (await api.http.get(`${API}/runs/${runId}`).expect(200)).body;
  expect(log.request).toMatchObject({ workflow_type: 'CWL', workflow_type_version: 'v1.2', workflow_url: 'workflows/count.cwl' });
  expect(log.request.workflow_params).toEqual({ text: { class: 'File', location: 'data/words.txt' } });

  const listed = await cli('--json', 'outputs', runId);
  expect(listed.code).toBe(0);
  expect(JSON.parse(listed.stdout).files).toEqual([expect.objectContaining({ path: 'count.txt' })]);
  const target = path.join(dir, 'downloads');
  const downloaded = await cli('outputs', runId, '--download', target);
  expect(downloaded).toMatchObject({ code: 0, stdout: `${path.join(target, 'count.txt')}\n` });
  expect(readFileSync(path.join(target, 'count.txt'), 'utf8')).toMatch(/^5 /);
});

test('submit a Snakefile: its whole project is uploaded, the parameters override its config, its outputs are those of its jobs', async () => {
  const params = write('snakemake-overrides.yaml', 'greeting: from the CLI\nsamples:\n  c: data/c.txt\n');
  const workflow = path.join(EXAMPLES, 'snakemake-project', 'workflow', 'Snakefile');
  const result = await cli('--json', 'submit', workflow, '--params', params, '--provider', 'local', '--wait');
  expect(result).toMatchObject({ code: 0 });
  const log = JSON.parse(result.stdout);
  expect(log.request).toMatchObject({ workflow_type: 'SMK', workflow_url: 'workflow/Snakefile' });
  expect(Object.keys(log.outputs)).toContain('results/summary.txt');
  expect(await download(api.http, log.outputs['results/summary.txt'].location)).toBe('from the CLI\na 2\nb 3\nc 1\n');
});

test('the README walkthrough: the word-count example with its File input, waited for, its outputs downloaded', async () => {
  const example = path.join(EXAMPLES, 'word-count');
  const result = await cli(
    'submit',
    path.join(example, 'wc.cwl'),
    '--params',
    path.join(example, 'job.yaml'),
    '--provider',
    'local',
    '--wait',
  );
  expect(result.code).toBe(0);
  const runId = RUN_ID.exec(result.stderr)![0];
  const target = path.join(dir, 'walkthrough');
  expect((await cli('outputs', runId, '--download', target)).code).toBe(0);
  expect(readFileSync(path.join(target, 'count.txt'), 'utf8')).toMatch(/^7 /);
});

test('submit --wait --json: the run log, parseable, and nothing else on stdout', async () => {
  const { workflow, params } = wordCountProject();
  const result = await cli('submit', workflow, '--params', params, '--provider', 'local', '--wait', '--json');
  expect(result.code).toBe(0);
  const log = JSON.parse(result.stdout);
  expect(log).toMatchObject({
    state: 'COMPLETE',
    run_id: expect.stringMatching(RUN_ID),
    outputs: { count: { class: 'File', basename: 'count.txt' } },
  });
  expect(await download(api.http, log.outputs.count.location)).toMatch(/^5 /);
});

test('a Directory input is uploaded with every file in it, subdirectories kept', async () => {
  write('listing/data/dir/a.txt', 'a\n');
  write('listing/data/dir/sub/b.txt', 'b\n');
  const tool = write(
    'listing/ls.cwl',
    [
      'cwlVersion: v1.2',
      'class: CommandLineTool',
      'baseCommand: [find, -L, dir, -type, f]',
      'requirements:',
      '  InitialWorkDirRequirement:',
      '    listing: [$(inputs.dir)]',
      'inputs:',
      '  dir: Directory',
      'stdout: found.txt',
      'outputs:',
      '  found:',
      '    type: stdout',
      '',
    ].join('\n'),
  );
  const params = write('listing/job.json', JSON.stringify({ dir: { class: 'Directory', location: 'data/dir' } }));
  const result = await cli('--json', 'submit', tool, '--params', params, '--provider', 'local', '--wait');
  expect(result.code).toBe(0);
  const log = JSON.parse(result.stdout);
  expect(log.request.workflow_params).toEqual({ dir: { class: 'Directory', location: 'data/dir' } });
  expect((await download(api.http, log.outputs.found.location)).split('\n').filter(Boolean).sort()).toEqual(['dir/a.txt', 'dir/sub/b.txt']);
});

test('a failing run exits 1 with the engine’s stderr shown; logs, logs --follow and status tell of it', async () => {
  const result = await cli('submit', path.join(EXAMPLES, 'fail', 'fail.cwl'), '--provider', 'local', '--wait');
  expect(result.code).toBe(1);
  const runId = RUN_ID.exec(result.stderr)![0];
  expect(result.stderr).toContain('boom');
  expect(result.stderr).toMatch(new RegExp(`✖ ${runId} EXECUTOR_ERROR \\(\\d+ s\\)\\n`));
  // The terminal state is shown once, with its mark; then why the run failed.
  expect(result.stderr).not.toContain(`- ${runId} EXECUTOR_ERROR`);
  expect(result.stderr).toMatch(/^cwltool exited with 1/m);

  const stderr = await cli('logs', runId, '--stderr');
  expect(stderr.code).toBe(0);
  expect(stderr.stdout).toContain('boom');
  const followed = await cli('logs', runId, '--stderr', '--follow');
  expect(followed).toMatchObject({ code: 0, stdout: stderr.stdout });
  const status = await cli('status', runId);
  expect(status.code).toBe(0);
  expect(status.stdout).toMatch(/^state: +EXECUTOR_ERROR$/m);
  expect(status.stdout).toMatch(/^workflow: +fail\.cwl \(CWL v1\.2\)$/m);
  expect(status.stdout).toMatch(/^log: +cwltool exited with 1/m);
});

test('list filters by tag and state, pages, and --all gathers every page; resume --input FILE releases a PAUSED run', async () => {
  const suite = randomUUID();
  const ids: string[] = [];
  for (const kind of ['a', 'a', 'b']) {
    const submitted = await simulated(
      { duration_ms: 0 },
      '--tag',
      `suite=${suite}`,
      '--tag',
      `kind=${kind}`,
      ...(kind === 'b' ? ['--require-approval'] : []),
    );
    expect(submitted.code).toBe(0);
    ids.push(submitted.stdout.trim());
  }
  for (const id of ids.slice(0, 2)) expect(await waitForState(api.http, id)).toBe('COMPLETE');
  expect(await waitForState(api.http, ids[2], (state) => state === 'PAUSED')).toBe('PAUSED');

  const listIds = async (...args: string[]) => {
    const result = await cli('--json', 'list', '--tag', `suite:${suite}`, ...args);
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout)
      .runs.map((run: { run_id: string }) => run.run_id)
      .sort();
  };
  expect(await listIds()).toEqual([...ids].sort());
  expect(await listIds('--state', 'PAUSED')).toEqual([ids[2]]);
  expect(await listIds('--state', 'complete,paused', '--tag', 'kind:a')).toEqual(ids.slice(0, 2).sort());
  expect(await listIds('--page-size', '1', '--all')).toEqual([...ids].sort());
  const page = await cli('list', '--tag', `suite:${suite}`, '--page-size', '1');
  expect(page.code).toBe(0);
  expect(page.stdout.split('\n')[0]).toMatch(/^RUN ID +STATE +STARTED +ENDED +TAGS$/);
  expect(page.stdout).toContain(ids[2]);
  expect(page.stderr).toMatch(/^more: --page-token \S+$/m);

  const input = write('inputs/approval.json', JSON.stringify({ approved_by: 'cli' }));
  const resumed = await cli('resume', ids[2], '--input', input);
  expect(resumed.code).toBe(0);
  expect(resumed.stdout).toMatch(new RegExp(`^${ids[2]}: \\w+\\n$`));
  expect(await waitForState(api.http, ids[2])).toBe('COMPLETE');
  expect((await api.http.get(`${API}/runs/${ids[2]}`).expect(200)).body.outputs.received_params).toEqual({
    duration_ms: 0,
    approved_by: 'cli',
  });
});

test('resume --input JSON; resuming a run that no longer waits is the API’s 409, exit 6', async () => {
  const submitted = await simulated({ duration_ms: 0 }, '--require-approval');
  const runId = submitted.stdout.trim();
  await waitForState(api.http, runId, (state) => state === 'PAUSED');
  const resumed = await cli('--json', 'resume', runId, '--input', '{"answer": 42}');
  expect(resumed.code).toBe(0);
  expect(JSON.parse(resumed.stdout)).toMatchObject({ run_id: runId });
  expect(await waitForState(api.http, runId)).toBe('COMPLETE');
  const again = await cli('resume', runId, '--input', '{}');
  expect(again.code).toBe(6);
  expect(again.stderr).toMatch(/^durable-wes: 409: .+/);
  expect(await cli('resume', runId, '--input', '[1]')).toMatchObject({ code: 2 });
});

test('cancel: the run a submit --wait follows is cancelled, and that submit exits 3', async () => {
  const file = write('params/long.json', JSON.stringify({ duration_ms: 600_000 }));
  const waiting = startCli(['submit', 'simulated:', '--type', 'SIMULATED', '--type-version', '1', '--params', file, '--wait'], { url });
  const runId = (await eventually(() => RUN_ID.exec(waiting.output().stderr)?.[0], Boolean, { what: 'the state line' }))!;
  await waitForState(api.http, runId, (state) => state === 'RUNNING');
  const cancelled = await cli('cancel', runId);
  expect(cancelled).toMatchObject({ code: 0, stdout: `${runId}: cancel requested\n` });
  const result = await waiting.done;
  expect(result.code).toBe(3);
  expect(result.stderr).toMatch(new RegExp(`✖ ${runId} CANCELED`));
});

test('transitions: a table, or followed as JSON lines to the end', async () => {
  const runId = (await simulated({ duration_ms: 0 })).stdout.trim();
  expect(await waitForState(api.http, runId)).toBe('COMPLETE');
  const table = await cli('transitions', runId);
  expect(table.code).toBe(0);
  expect(table.stdout.split('\n')[0]).toMatch(/^SEQ +AT +TYPE +STATE +WES +PAYLOAD$/);
  // Each transition with the WES state it led to.
  expect(table.stdout).toMatch(/^1 +\S+ +init +queued → starting +INITIALIZING/m);
  expect(table.stdout).toMatch(/finish +running → succeeded +COMPLETE/);
  const followed = await cli('--json', 'transitions', runId, '--follow');
  expect(followed.code).toBe(0);
  const lines = followed.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  expect(lines.at(-1)).toEqual({ end: { state: 'COMPLETE' } });
  expect(lines.slice(0, -1).map((t) => t.seq)).toEqual(lines.slice(0, -1).map((_, i) => i + 1));
  expect(lines.at(-2)).toMatchObject({ type: 'finish', wes_state: 'COMPLETE' });
});

test('a followed stream whose API replica shuts down is resumed on the next one, nothing seen twice or missed', async () => {
  const runId = (await simulated({ duration_ms: 0 }, '--require-approval')).stdout.trim();
  await waitForState(api.http, runId, (state) => state === 'PAUSED');
  const port = await freePort();
  const first = await api.createApp();
  await first.app.listen(port, '127.0.0.1');
  const following = startCli(['--json', 'transitions', runId, '--follow'], { url: `http://127.0.0.1:${port}${API}` });
  await eventually(
    () => following.output().stdout.trim().split('\n').length,
    (count) => count >= 2,
    { what: 'the replayed transitions' },
  );
  await first.app.close();
  // Another replica on the same address, while the CLI retries.
  const second = await api.createApp();
  await second.app.listen(port, '127.0.0.1');
  await api.http.post(`${API}/runs/${runId}/resume`).expect(200);
  const result = await following.done;
  expect(result.code).toBe(0);
  const lines = result.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  expect(lines.slice(0, -1).map((t) => `${t.seq}:${t.type}`)).toEqual(['1:init', '2:wait', '3:resume', '4:finish']);
  expect(lines.at(-1)).toEqual({ end: { state: 'COMPLETE' } });
});

test('exit codes: not found 5 with the API’s msg, unreachable server 4, usage 2; the token from the environment', async () => {
  const missing = await cli('status', 'run-missing');
  expect(missing).toMatchObject({ code: 5, stderr: 'durable-wes: 404: run run-missing not found\n' });
  const closed = await runCli(['list'], { url: `http://127.0.0.1:${await freePort()}${API}` });
  expect(closed.code).toBe(4);
  expect(closed.stderr).toContain('ECONNREFUSED');
  expect((await cli('list', '--bogus')).code).toBe(2);
  expect((await cli('submit', path.join(dir, 'nowhere.cwl'))).code).toBe(2);
  expect((await cli('list', '--all', '--page-token', 'x')).code).toBe(2);

  const secured = await api.createApp(keyAuth(['alice', 'alice', READ_WRITE], ['reader', 'alice', ['runs:read']]));
  const port = await freePort();
  await secured.app.listen(port, '127.0.0.1');
  const securedUrl = `http://127.0.0.1:${port}${API}`;
  expect((await runCli(['list'], { url: securedUrl })).code).toBe(5);
  expect((await runCli(['list'], { url: securedUrl, env: { DURABLE_WES_TOKEN: 'wrong' } })).code).toBe(5);
  const allowed = await runCli(['--json', 'list'], { url: securedUrl, env: { DURABLE_WES_TOKEN: testKey('alice') } });
  expect(allowed.code).toBe(0);
  expect(JSON.parse(allowed.stdout)).toHaveProperty('runs');
  // A token without the scope: 403, told apart from success.
  const refused = await runCli(['cancel', 'run-any'], { url: securedUrl, env: { DURABLE_WES_TOKEN: testKey('reader') } });
  expect(refused.code).toBe(5);
  expect(refused.stderr).toContain('403');
});

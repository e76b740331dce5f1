/**
 * The `durable-wes` command in scripts and terminals (README, "CLI"): errors as JSON under --json,
 * an unreachable server named, quiet on a closed pipe, one tag syntax, engine parameters with or
 * without their dashes, help with examples and the exit codes. Spawned as a user runs it, against
 * the real API, worker, Temporal, PostgreSQL and Snakemake.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { EXIT_CODES } from '../src/cli/exit-codes';
import { API, waitForState, type ApiHarness } from './support/api-harness';
import { runCli } from './support/cli';
import { useCliServer } from './support/cli-server';
import { freePort } from './support/free-port';
import { EXAMPLES } from './support/harness';

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'bin/durable-wes.js');

let api: ApiHarness;
let url: string;
let dir: string;
useCliServer('cli-scripts', (server) => ({ api, url, dir } = server));

const cli = (...args: string[]) => runCli(args, { url });

/** A run of the simulated provider, with these extra arguments; its run id. */
async function simulated(...args: string[]): Promise<string> {
  const params = path.join(dir, `${randomUUID()}.json`);
  writeFileSync(params, JSON.stringify({ duration_ms: 0 }));
  const submitted = await cli('submit', 'simulated:', '--type', 'SIMULATED', '--type-version', '1', '--params', params, ...args);
  expect(submitted).toMatchObject({ code: 0, stderr: '' });
  return submitted.stdout.trim();
}

test('--json: an error is one JSON object on stderr, with the API status and the exit code; stdout stays empty', async () => {
  const missing = await cli('--json', 'status', 'run-00000000-0000-4000-8000-000000000000');
  expect(missing).toMatchObject({ code: 5, stdout: '' });
  expect(JSON.parse(missing.stderr)).toEqual({
    error: { msg: expect.stringMatching(/^404: .*not found/), status_code: 404, exit_code: 5 },
  });

  // A usage error, found before any request: no help after it, the JSON alone.
  const usage = await cli('--json', 'list', '--page-size', 'many');
  expect(usage).toMatchObject({ code: 2, stdout: '' });
  expect(JSON.parse(usage.stderr)).toEqual({ error: { msg: expect.stringContaining('--page-size'), exit_code: 2 } });

  // No command: the help is for people; a script gets the JSON alone.
  const bare = await cli('--json');
  expect(bare).toMatchObject({ code: 2, stdout: '' });
  expect(JSON.parse(bare.stderr)).toEqual({ error: { msg: 'no command given: durable-wes --help lists them', exit_code: 2 } });

  // Without --json, the same error is a line for people.
  expect((await cli('status', 'run-00000000-0000-4000-8000-000000000000')).stderr).toMatch(/^durable-wes: 404: .*not found\n$/);
});

test('an unreachable server: the message names the URL tried and how to change it; exit 4', async () => {
  const nowhere = `http://127.0.0.1:${await freePort()}${API}`;
  const result = await runCli(['status', 'run-x'], { url: nowhere });
  expect(result).toMatchObject({ code: 4, stdout: '' });
  expect(result.stderr).toBe(
    `durable-wes: cannot reach the WES API at ${nowhere} (ECONNREFUSED): is the server running (npm start)? Change it with --url or DURABLE_WES_URL\n`,
  );
});

test('a reader that closes the pipe early: no EPIPE, nothing on stderr', async () => {
  const runId = await simulated();
  expect(await waitForState(api.http, runId)).toBe('COMPLETE');
  // `true` reads nothing and exits at once: every write of the command meets a closed pipe.
  for (const command of [`status ${runId}`, `transitions ${runId}`, '--help']) {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const shell = spawn('sh', [
        '-c',
        `"${process.execPath}" "${BIN}" --url "${url}" ${command} | true; "${process.execPath}" "${BIN}" --url "${url}" ${command} | head -1 >/dev/null`,
      ]);
      let stderr = '';
      shell.stderr.on('data', (data) => (stderr += data));
      shell.on('error', reject);
      shell.on('close', (code) => resolve({ code, stderr }));
    });
    expect(result).toEqual({ code: 0, stderr: '' });
  }
});

test('tags: key=value and key:value alike in submit and list; the key ends at the first = or :', async () => {
  const suite = randomUUID();
  const runId = await simulated('--tag', `suite=${suite}`, '--tag', 'kind:a', '--tag', 'src=http://example.org:8080/x');
  const log = (await api.http.get(`${API}/runs/${runId}`).expect(200)).body;
  expect(log.request.tags).toEqual({ suite, kind: 'a', src: 'http://example.org:8080/x' });

  const listed = async (...tags: string[]) => {
    const result = await cli('--json', 'list', ...tags.flatMap((tag) => ['--tag', tag]));
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout).runs.map((run: { run_id: string }) => run.run_id);
  };
  expect(await listed(`suite:${suite}`, 'kind=a')).toEqual([runId]);
  expect(await listed(`suite=${suite}`, 'src:http://example.org:8080/x')).toEqual([runId]);
  expect(await listed(`suite=${suite}`, 'kind=b')).toEqual([]);
  expect(await cli('list', '--tag', '=a')).toMatchObject({ code: 2, stderr: expect.stringContaining('expected key=value or key:value') });
});

test('--engine-param cores=2 and --engine-param --cores=2 both reach the engine as --cores 2', async () => {
  const snakefile = path.join(EXAMPLES, 'snakemake-hello', 'Snakefile');
  const runs = await Promise.all(
    ['cores=2', '--cores=2'].map((param) => cli('--json', 'submit', snakefile, '--provider', 'local', '--engine-param', param, '--wait')),
  );
  for (const [index, key] of ['cores', '--cores'].entries()) {
    expect(runs[index]).toMatchObject({ code: 0 });
    const log = JSON.parse(runs[index].stdout);
    // The request as it was sent; the engine's command as the allow-list spells the parameter.
    expect(log.request.workflow_engine_parameters).toEqual({ [key]: '2' });
    // The service's default comes first; the user's --cores after it, which snakemake takes.
    expect(log.run_log.cmd.slice(-2)).toEqual(['--cores', '2']);
  }
  // One parameter given twice, as two spellings, is the API's 400.
  const twice = await cli('submit', snakefile, '--provider', 'local', '--engine-param', 'cores=2', '--engine-param', '--cores=3');
  expect(twice).toMatchObject({ code: 2, stderr: expect.stringContaining("parameter --cores is given twice ('cores' and '--cores')") });
});

test('help: every command has examples, the root lists the exit codes, as README does', async () => {
  const root = await cli('--help');
  expect(root.code).toBe(0);
  for (const [code, meaning] of EXIT_CODES) expect(root.stdout).toContain(`  ${code}  ${meaning}\n`);
  const listed = root.stdout.slice(root.stdout.indexOf('\nCommands:\n'), root.stdout.indexOf('\nExamples:\n'));
  const commands = [...listed.matchAll(/^ {2}([a-z]+) /gm)].map((match) => match[1]).filter((name) => name !== 'help');
  expect(commands).toEqual(
    expect.arrayContaining(['submit', 'status', 'list', 'logs', 'cancel', 'resume', 'transitions', 'outputs', 'tasks']),
  );
  for (const command of commands) {
    const help = await cli(command, '--help');
    expect(help.stdout).toMatch(new RegExp(`\\nExamples:\\n( {2}\\$ durable-wes ${command} .+\\n)+`));
  }
  const submit = (await cli('submit', '--help')).stdout;
  for (const said of ['.smk', 'Snakefile', '.cwl', 'DWES-TASK', 'dwes_task:', 'WDL', '--cores=2']) expect(submit).toContain(said);

  // README's table is the same, the state names in backticks.
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const table = [...readme.matchAll(/^\| (\d+) \| (.+) \|$/gm)].map((match) => [Number(match[1]), match[2].replaceAll('`', '')]);
  expect(table).toEqual(EXIT_CODES.map(([code, meaning]) => [code, meaning]));
});

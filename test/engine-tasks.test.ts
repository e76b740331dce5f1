/**
 * The engines' jobs, parsed from their real reports (test/fixtures: cwltool's log of
 * examples/scatter/scatter.cwl and of cwltool/scatter-fail.cwl run with --on-error continue, by
 * cwltool 3.1.20230209161050 and, in cwltool/3.3/, by 3.3.20260925135507;
 * Snakemake's messages for examples/snakemake-hello and snakemake/samples-fail.Snakefile, from
 * Snakemake 7.32.4's log handler script run with --cores 2 --keep-going and from Snakemake 9.27.1's
 * logger plugin run with --cores 1), as the local provider ran them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { TaskReport } from '../activities/providers/provider';
import { cwltoolJobs } from '../activities/providers/local/engines/cwltool-jobs';
import { endedJobs } from '../activities/providers/local/ended-jobs';
import { producedFiles, snakemakeJobs } from '../activities/providers/local/engines/snakemake-jobs';

const fixture = (...parts: string[]) => readFileSync(path.join(__dirname, 'fixtures', ...parts), 'utf8');
/** Local time, as cwltool writes it. */
const local = (time: string) => new Date(time).toISOString();

describe('cwltool', () => {
  test('a scatter: one task per job, in the order they started, each with its command and stdout', () => {
    const logDir = '/tmp/cwl-fixture/scatter/jobs';
    const jobs = cwltoolJobs(fixture('cwltool', 'scatter.stderr.log'), logDir);

    expect(jobs.map(({ id, seq, name, state }) => ({ id, seq, name, state }))).toEqual([
      { id: 'greet', seq: 0, name: 'greet', state: 'COMPLETE' },
      { id: 'greet_2', seq: 1, name: 'greet_2', state: 'COMPLETE' },
      { id: 'greet_3', seq: 2, name: 'greet_3', state: 'COMPLETE' },
      { id: 'count', seq: 3, name: 'count', state: 'COMPLETE' },
    ]);
    expect(jobs[1]).toEqual({
      id: 'greet_2',
      seq: 1,
      version: 2,
      name: 'greet_2',
      state: 'COMPLETE',
      startTime: local('2026-12-01T19:09:44'),
      endTime: local('2026-12-01T19:09:44'),
      cmd: ['echo', 'Grace'],
      stdout: `${logDir}/greet_2/greeting.txt`,
      systemLogs: [],
    });
    expect(jobs[3].cmd).toHaveLength(5);
    expect(jobs[3].cmd?.slice(0, 2)).toEqual(['wc', '-w']);
    expect(jobs[3].stdout).toBe(`${logDir}/count/count.txt`);
    // Success is all cwltool says of a job that succeeded: no exit code is made up.
    expect(jobs.every((job) => job.exitCode === undefined && job.stderr === undefined)).toBe(true);
  });

  test('a failed scatter job: its exit code, its stdout and stderr, the quoted argument unquoted', () => {
    const logDir = '/tmp/cwl-fixture/fail/jobs';
    const jobs = cwltoolJobs(fixture('cwltool', 'scatter-fail.stderr.log'), logDir);

    expect(jobs.map(({ id, state, exitCode }) => ({ id, state, exitCode }))).toEqual([
      { id: 'exit', state: 'COMPLETE', exitCode: undefined },
      { id: 'exit_2', state: 'EXECUTOR_ERROR', exitCode: 3 },
      { id: 'exit_3', state: 'COMPLETE', exitCode: undefined },
    ]);
    expect(jobs[1]).toMatchObject({
      cmd: ['sh', '-c', 'echo "exiting with $0"; echo "to stderr" >&2; exit $0', '3'],
      stdout: `${logDir}/exit_2/out.txt`,
      stderr: `${logDir}/exit_2/err.txt`,
      version: 3,
      endTime: local('2026-12-01T19:09:50'),
    });
  });

  test('while it goes: a job begun shows RUNNING, and each later report has a higher version', () => {
    const log = fixture('cwltool', 'scatter-fail.stderr.log');
    const lines = log.split('\n');
    const upTo = (text: string) => lines.slice(0, lines.findIndex((line) => line.includes(text)) + 1).join('\n');

    const begun = cwltoolJobs(upTo('3 > /tmp/cwl-fixture/fail/jobs/exit_2/out.txt'), '/tmp/cwl-fixture/fail/jobs');
    expect(begun.map(({ id, state }) => ({ id, state }))).toEqual([
      { id: 'exit', state: 'COMPLETE' },
      { id: 'exit_2', state: 'RUNNING' },
    ]);
    const exited = cwltoolJobs(upTo('[job exit_2] exited with status'), '/tmp/cwl-fixture/fail/jobs');
    const ended = cwltoolJobs(log, '/tmp/cwl-fixture/fail/jobs');
    expect([begun[1].version, exited[1].version, ended[1].version]).toEqual([1, 2, 3]);
    expect(exited[1]).toMatchObject({ state: 'RUNNING', exitCode: 3 });
  });

  test.each(['scatter', 'scatter-fail'])("%s: cwltool 3.3's log (the default version's) gives the jobs 3.1's gives", (name) => {
    const logDir = `/tmp/cwl-fixture/${name === 'scatter' ? 'scatter' : 'fail'}/jobs`;
    // Staged inputs are in temp dirs of random names.
    const anyTemp = (arg: string) => arg.replace(/\/tmp\/cwl-fixture\/\w+\/tmp\/.*\//, '<temp>/');
    const jobs = (log: string) =>
      cwltoolJobs(log, logDir).map(({ id, seq, name, state, cmd, stdout, stderr, exitCode, version }) => ({
        ...{ id, seq, name, state, stdout, stderr, exitCode, version },
        cmd: cmd?.map(anyTemp),
      }));
    const current = jobs(fixture('cwltool', '3.3', `${name}.stderr.log`));
    expect(current.length).toBeGreaterThan(2);
    expect(current).toEqual(jobs(fixture('cwltool', `${name}.stderr.log`)));
  });

  test('lines that are not a job record of the documented form are not read', () => {
    const log = [
      '[2026-12-01 19:08:40] INFO [workflow ] start',
      '[2026-12-01 19:08:40] INFO [step greet] start',
      '[2026-12-01 19:08:40] INFO [job greet] completed in a way cwltool never writes',
      'INFO [job untimed] /tmp/x$ echo',
      '[job bare] completed success',
      '[2026-12-01 19:08:40] DEBUG [job greet] initializing from file:///x',
    ].join('\n');
    expect(cwltoolJobs(log, '/logs')).toEqual([]);
    expect(cwltoolJobs('', '/logs')).toEqual([]);
  });
});

/** The events of each Snakemake: 7's log handler script and 9's logger plugin, in one shape. */
describe.each([
  ['Snakemake 7.32.4', ''],
  ['Snakemake 9.27.1', '.v9'],
])('%s', (_engine, suffix) => {
  const events = (name: string) => fixture('snakemake', `${name}${suffix}.events.jsonl`);
  const timeOf = (line: string) => new Date((JSON.parse(line) as { timestamp: number }).timestamp * 1000).toISOString();

  test('each job of the rules, with its shell command, in the order they started', () => {
    const hello = events('hello');
    const jobs = snakemakeJobs(hello, '/runs/r/project');
    expect(jobs.map(({ id, seq, name, state, cmd }) => ({ id, seq, name, state, cmd }))).toEqual([
      { id: '1', seq: 0, name: 'greet', state: 'COMPLETE', cmd: ["echo 'Hello from Snakemake' > results/greeting.txt"] },
      { id: '2', seq: 1, name: 'count', state: 'COMPLETE', cmd: ['wc -w < results/greeting.txt > results/words.txt'] },
      { id: '0', seq: 2, name: 'all', state: 'COMPLETE', cmd: undefined },
    ]);
    const [started, , finished] = hello.split('\n');
    expect(jobs[0]).toMatchObject({ version: 3, startTime: timeOf(started), endTime: timeOf(finished), systemLogs: [] });
  });

  test('wildcards name the job, its log file is its stdout and stderr, and a failed job is an EXECUTOR_ERROR', () => {
    const jobs = snakemakeJobs(events('samples-fail'), '/runs/r/project');
    const byId = (id: string) => jobs.find((job) => job.id === id);
    expect(jobs.map(({ id, name, state }) => ({ id, name, state })).sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { id: '1', name: 'make (s=a)', state: 'COMPLETE' },
      { id: '2', name: 'make (s=b)', state: 'COMPLETE' },
      { id: '3', name: 'join', state: 'EXECUTOR_ERROR' },
    ]);
    expect(byId('2')).toMatchObject({ stdout: '/runs/r/project/logs/make_b.log', stderr: '/runs/r/project/logs/make_b.log' });
    expect(byId('3')).toMatchObject({ cmd: ['cat results/a.txt results/b.txt > results/all.txt; exit 3'], endTime: expect.any(String) });
    expect(byId('3')?.exitCode).toBeUndefined();
  });

  test("the files produced: finished jobs' outputs, and the logs of every job", () => {
    expect(producedFiles(events('samples-fail')).sort()).toEqual(['logs/make_a.log', 'logs/make_b.log', 'results/a.txt', 'results/b.txt']);
    expect(producedFiles(events('hello')).sort()).toEqual(['results/greeting.txt', 'results/words.txt']);
  });

  test('a last line still being written, and lines of another shape, are left for later', () => {
    const lines = events('hello').split('\n');
    const partial = `${lines.slice(0, 2).join('\n')}\n${lines[2].slice(0, 10)}`;
    expect(snakemakeJobs(partial, '/o').map(({ id, state }) => ({ id, state }))).toEqual([{ id: '1', state: 'RUNNING' }]);
    expect(snakemakeJobs('{"level": "job_info", "jobid": "one"}\nnot json\n', '/o')).toEqual([]);
  });
});

test('once the engine has ended, a job it left running ended with it', () => {
  const running: TaskReport = { id: 'a', seq: 0, version: 1, name: 'a', state: 'RUNNING', systemLogs: [] };
  const done: TaskReport = { ...running, id: 'b', seq: 1, state: 'COMPLETE', version: 2 };
  expect(endedJobs([running, done], true)).toEqual([{ ...running, state: 'CANCELED', version: 2 }, done]);
  expect(endedJobs([running, done], false)).toEqual([
    { ...running, state: 'SYSTEM_ERROR', version: 2, systemLogs: ['the engine ended without reporting the end of this job'] },
    done,
  ]);
});

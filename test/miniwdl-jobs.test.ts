/**
 * miniwdl's calls, parsed from its real structured log (test/fixtures/miniwdl: workflow.log.json of
 * examples/wdl-scatter/scatter.wdl, of a WDL 1.1 scatter whose first shard exits 1, and of a workflow
 * calling a sub-workflow with a scatter), as miniwdl 1.16.0 with the bare backend wrote them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { miniwdlJobs } from '../activities/providers/local/engines/miniwdl-jobs';

const fixture = (name: string) => readFileSync(path.join(__dirname, 'fixtures', 'miniwdl', name), 'utf8');
const runDir = '/data/runs/run-1/outputs';

test('a scatter: one task per shard and one for the call after, each with its command, stdout and stderr', () => {
  const jobs = miniwdlJobs(fixture('scatter.workflow.log.jsonl'), runDir);
  expect(jobs.map(({ id, seq, state }) => ({ id, seq, state }))).toEqual([
    { id: 'call-tag-0-a', seq: 0, state: 'COMPLETE' },
    { id: 'call-tag-1-b', seq: 1, state: 'COMPLETE' },
    { id: 'call-tag-2-c', seq: 2, state: 'COMPLETE' },
    { id: 'call-join', seq: 3, state: 'COMPLETE' },
  ]);
  expect(jobs[1]).toEqual({
    id: 'call-tag-1-b',
    seq: 1,
    version: 2,
    name: 'call-tag-1-b',
    state: 'COMPLETE',
    startTime: new Date(1796571275224).toISOString(),
    endTime: new Date(1796571275478).toISOString(),
    cmd: ['/bin/bash', `${runDir}/call-tag-1-b/command`],
    stdout: `${runDir}/call-tag-1-b/stdout.txt`,
    stderr: `${runDir}/call-tag-1-b/stderr.txt`,
    systemLogs: [],
  });
});

test('a failed shard is an EXECUTOR_ERROR with its exit status; the shard miniwdl stopped for it is CANCELED', () => {
  const jobs = miniwdlJobs(fixture('failed.workflow.log.jsonl'), runDir);
  expect(jobs.map(({ id, state, exitCode }) => ({ id, state, exitCode }))).toEqual([
    { id: 'call-t-0-1', state: 'EXECUTOR_ERROR', exitCode: 1 },
    { id: 'call-t-1-2', state: 'CANCELED', exitCode: undefined },
  ]);
  expect(jobs[0].systemLogs).toEqual(['task t (fail.wdl Ln 5 Col 1) failed: CommandFailed']);
});

test("a sub-workflow's calls are named by the call that runs it, their dirs inside its dir", () => {
  const jobs = miniwdlJobs(fixture('subworkflow.workflow.log.jsonl'), runDir);
  expect(jobs.map(({ id, state, stdout }) => ({ id, state, stdout }))).toEqual([
    { id: 'call-sub.call-t-0-1', state: 'COMPLETE', stdout: `${runDir}/call-sub/call-t-0-1/stdout.txt` },
    { id: 'call-sub.call-t-1-2', state: 'COMPLETE', stdout: `${runDir}/call-sub/call-t-1-2/stdout.txt` },
  ]);
});

test('a line that is not one of its records, or cut short, is skipped', () => {
  const [first] = fixture('scatter.workflow.log.jsonl').split('\n');
  expect(miniwdlJobs(`not json\n{"message": "task setup"}\n${first.slice(0, 20)}`, runDir)).toEqual([]);
});

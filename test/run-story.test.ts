/**
 * What the Temporal Web UI says of a run (domain/run-story.ts, domain/run-progress.ts): the
 * summary, the static details and the current details, for runs and tasks alike.
 */
import { commandSummaries, runDetails, runSummary, workflowFile } from '../domain/run-story';
import { runProgress, taskProgress } from '../domain/run-progress';
import type { TaskRow } from '../domain/run-rows';
import type { WesRunRequest } from '../domain/run-types';

const hello: WesRunRequest = {
  workflow_type: 'CWL',
  workflow_type_version: 'v1.2',
  workflow_url: 'file:///data/workflows/hello.cwl',
  workflow_params: { message: 'Hello', count: 3 },
  tags: { project: 'demo' },
};

describe('the summary', () => {
  it('names the type and version, the file, the provider with its engine, and the owner', () => {
    expect(runSummary({ request: hello, provider: 'local', engine: 'cwltool 3.3', owner: 'alice' })).toBe(
      'CWL v1.2 · hello.cwl · local/cwltool 3.3 · alice',
    );
  });

  it('leaves out what is not known, and takes the engine the request names', () => {
    expect(runSummary({ request: hello })).toBe('CWL v1.2 · hello.cwl');
    const named = { ...hello, workflow_engine: 'cwltool', workflow_engine_version: '3.1' };
    expect(runSummary({ request: named, provider: 'sapporo' })).toBe('CWL v1.2 · hello.cwl · sapporo/cwltool 3.1');
  });

  it('is one line whatever the request holds', () => {
    const odd = { ...hello, workflow_url: 'https://example.org/wf/main.cwl?ref=1' };
    expect(runSummary({ request: odd, owner: 'bob\nsmith' })).toBe('CWL v1.2 · main.cwl · bob smith');
  });

  it('keeps the fragment that names a process, and takes an attachment as it is', () => {
    expect(workflowFile('tests/scatter-wf3.cwl#main')).toBe('scatter-wf3.cwl#main');
    expect(workflowFile('review.yaml')).toBe('review.yaml');
  });
});

describe('the static details', () => {
  it('give the request in short, the tags and links to the run in the API', () => {
    const details = runDetails(hello, { runId: 'run-1', apiUrl: 'http://127.0.0.1:8080/ga4gh/wes/v1' });
    expect(details).toContain('**CWL v1.2** `file:///data/workflows/hello.cwl`');
    expect(details).toContain('`message: "Hello"`, `count: 3`');
    expect(details).toContain('`project: demo`');
    expect(details).toContain('[status](http://127.0.0.1:8080/ga4gh/wes/v1/runs/run-1/status)');
    expect(details).toContain('[outputs](http://127.0.0.1:8080/ga4gh/wes/v1/runs/run-1/outputs)');
    expect(details).toContain('[stderr](http://127.0.0.1:8080/ga4gh/wes/v1/runs/run-1/logs/stderr)');
  });

  it('link a task to its steps, and clip long parameters', () => {
    const params = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`p${i}`, 'x'.repeat(100)]));
    const details = runDetails({ ...hello, workflow_params: params }, { runId: 't', apiUrl: 'http://h', task: true });
    expect(details).toContain('[steps](http://h/runs/t/tasks)');
    expect(details).toContain('and 2 more');
    expect(details).not.toContain('x'.repeat(100));
  });

  it('have no links where the API is not known', () => {
    expect(runDetails(hello, undefined)).not.toContain('In the API');
  });
});

describe('the current details', () => {
  it('of a run at its approval gate say what it waits for and how to resume it', () => {
    const details = runProgress({ runId: 'run-1', wesState: 'PAUSED', at: 'local/cwltool 3.3', waitsFor: 'approval' });
    expect(details.split('\n')[0]).toBe('PAUSED: waiting for approval; resume with `durable-wes resume run-1 --input …`');
  });

  it('of a running run say where it runs and what its provider says', () => {
    const details = runProgress({ runId: 'r', wesState: 'RUNNING', at: 'sapporo', externalId: 'abc', providerState: 'RUNNING' });
    expect(details).toBe('RUNNING at sapporo\n- at sapporo as run `abc`\n- the provider says RUNNING');
    const away = runProgress({
      runId: 'r',
      wesState: 'RUNNING',
      at: 'sapporo',
      externalId: 'abc',
      providerState: 'RUNNING',
      unreachable: true,
    });
    expect(away).toContain('unreachable now, still polling');
  });

  it('of an ended run say how it ended', () => {
    expect(runProgress({ runId: 'r', wesState: 'COMPLETE', outputs: 1 })).toBe('COMPLETE: 1 output');
    expect(runProgress({ runId: 'r', wesState: 'EXECUTOR_ERROR', error: 'cwltool\nexited 1' })).toBe('EXECUTOR_ERROR: cwltool exited 1');
  });

  const row = (taskId: string, name: string, change: Partial<TaskRow> = {}): TaskRow => ({
    taskId,
    seq: 1,
    version: 1,
    name,
    state: 'RUNNING',
    systemLogs: [],
    outputs: {},
    ...change,
  });

  it('of a task name the innermost steps it is at, with their runs', () => {
    const rows = [
      row('prepare', 'prepare (run)', { state: 'COMPLETE', endTime: new Date() }),
      row('both', 'both (parallel)'),
      row('left', 'branch left', { parentTaskId: 'both' }),
      row('align', 'align (run)', { parentTaskId: 'left', childRunId: 't.align' }),
    ];
    const details = taskProgress({ runId: 't', wesState: 'RUNNING', rows, gates: [] });
    expect(details.split('\n')[0]).toBe('RUNNING: at align (run)');
    expect(details).toContain('- left › align (run): RUNNING, run `t.align`');
    expect(details).not.toContain('prepare');
  });

  it('of a task at a gate give its prompt and the resume command', () => {
    const rows = [row('review', 'review (wait_for_input)', { state: 'PAUSED' })];
    const details = taskProgress({ runId: 't', wesState: 'PAUSED', rows, gates: [{ stepId: 'review', prompt: 'Publish?' }] });
    expect(details.split('\n')[0]).toBe('PAUSED: step review waits for input (Publish?); resume with `durable-wes resume t --input …`');
  });
});

describe('the summaries of commands', () => {
  it('say what each does for this run', () => {
    const story = { request: hello, provider: 'local', engine: 'cwltool 3.3' };
    expect(commandSummaries.submit(story)).toBe('submit hello.cwl to local/cwltool 3.3');
    expect(commandSummaries.follow('sapporo', 'abc')).toBe('follow run abc at sapporo');
    expect(commandSummaries.follow('sapporo', undefined)).toBe('follow the run at sapporo');
  });
});

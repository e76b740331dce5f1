/** The log's two forms (src/logging/): JSON lines, text on a terminal; and run ids on Temporal's lines. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createLogger } from '../src/logging/create-logger';
import { formatLine } from '../src/logging/plain-text';
import { temporalLogger } from '../src/logging/temporal-logger';

function capture(level: 'info' | 'debug' = 'info') {
  const lines: string[] = [];
  const logger = createLogger({ name: 'worker', level, destination: { write: (line: string) => lines.push(line) } });
  return { logger, lines: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

test("Temporal's workflow and activity attributes: the workflow id is the run id, Temporal's run id is named apart", () => {
  const { logger, lines } = capture();
  const temporal = temporalLogger(logger);
  temporal.info('from an activity', { sdkComponent: 'activity', workflowId: 'run-1', workflowRunId: 'abc', activityType: 'startRun' });
  temporal.warn('from a workflow', { sdkComponent: 'workflow', workflowId: 'run-2', runId: 'def' });
  temporal.debug('below the level', { workflowId: 'run-3' });
  expect(lines()).toEqual([
    expect.objectContaining({
      level: 30,
      name: 'worker',
      msg: 'from an activity',
      run_id: 'run-1',
      temporal_run_id: 'abc',
      activityType: 'startRun',
    }),
    expect.objectContaining({ level: 40, msg: 'from a workflow', run_id: 'run-2', temporal_run_id: 'def' }),
  ]);
  expect(lines()[0]).not.toHaveProperty('workflowId');
});

test('errors keep their message and stack under either key', () => {
  const { logger, lines } = capture();
  temporalLogger(logger).error('Activity failed', { error: new Error('boom') });
  logger.error({ err: new Error('bang') }, 'fatal');
  expect(lines()[0].error).toMatchObject({ message: 'boom', stack: expect.stringContaining('Error: boom') });
  expect(lines()[1].err).toMatchObject({ message: 'bang' });
});

test('on a terminal: time, level, name, message, then the fields', () => {
  const line = JSON.stringify({
    level: 40,
    time: Date.UTC(2026, 0, 1, 12, 0, 0, 123),
    pid: 1,
    hostname: 'h',
    name: 'worker',
    msg: 'slow',
    run_id: 'run-1',
    ms: 5,
    tags: { a: 1 },
  });
  expect(formatLine(line)).toBe('12:00:00.123 WARN  worker: slow run_id=run-1 ms=5 tags={"a":1}\n');
});

/** A process that logs `lines` JSON lines to a piped stdout, then `after` (run as code); what it wrote, as it wrote it. */
function loggingProcess(lines: number, after: string) {
  const logger = path.resolve(__dirname, '../src/logging/create-logger');
  const script = `const log = require(${JSON.stringify(logger)}).createLogger({ name: 'api', level: 'info' });
    for (let i = 0; i < ${lines}; i++) log.info({ i }, 'request completed');
    ${after}`;
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const logged = () =>
    out
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return { child, logged, exited };
}

test('stdout off the critical path: lines gathered in memory are written at exit, even by process.exit', async () => {
  // 20 lines are less than one batch: none would be written before the exit.
  const { logged, exited } = loggingProcess(20, 'process.exit(0);');
  await exited;
  expect(logged().map((line) => line.i)).toEqual([...Array(20).keys()]);
});

test('stdout off the critical path: a line is written within the batch delay while the process goes on', async () => {
  const { child, logged, exited } = loggingProcess(1, 'setTimeout(() => undefined, 60_000);');
  try {
    const deadline = Date.now() + 30_000;
    while (logged().length === 0 && child.exitCode === null && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(child.exitCode).toBeNull();
    expect(logged()).toEqual([expect.objectContaining({ name: 'api', msg: 'request completed', i: 0 })]);
  } finally {
    child.kill();
    await exited;
  }
});

/** The log's two forms (src/logging/): JSON lines, text on a terminal; and run ids on Temporal's lines. */
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

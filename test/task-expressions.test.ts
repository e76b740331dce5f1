/** Evaluating a task's expressions, also inside Temporal's workflow sandbox (docs/tasks.md, "Expressions"). */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { parseExactJson, stringifyExactJson } from '../domain/exact-json';
import { evaluate, EXPRESSION_BUDGET, ExpressionError, type EvaluationContext } from '../workflows/task/expressions';
import { installQuietRuntime } from './support/runtime';

const context: EvaluationContext = {
  params: { samples: 3, label: 'demo', files: ['a.bam', 'b.bam'] },
  steps: {
    align: {
      state: 'succeeded',
      run_id: 'run-1',
      outputs: {
        reads: [
          { name: 'x', size: 5 },
          { name: 'y', size: 1 },
        ],
      },
    },
    review: { state: 'succeeded', outputs: { approved: true } },
  },
};

const template = {
  workflow_url: 'simulated:',
  workflow_params: {
    duration_ms: 200,
    count: '{% params.samples * 2 %}',
    name: '{% "sample-" & params.label %}',
    big: '{% steps.align.outputs.reads[size > 2].name %}',
    all: '{% steps.align.outputs.reads.name %}',
    files: ['{% params.files[0] %}', 'literal'],
    approved: '{% steps.review.outputs.approved %}',
  },
  tags: { parent: '{% steps.align.run_id %}' },
};

const expected = {
  workflow_url: 'simulated:',
  workflow_params: {
    duration_ms: 200,
    count: 6,
    name: 'sample-demo',
    big: 'x',
    all: ['x', 'y'],
    files: ['a.bam', 'literal'],
    approved: true,
  },
  tags: { parent: 'run-1' },
};

test('expressions over params and earlier steps become plain JSON; literals stay as they are', async () => {
  const value = await evaluate(template, context);
  expect(value).toEqual(expected);
  // JSONata's sequences carry a `sequence` flag: the result is a plain array.
  expect(Object.keys((value as typeof expected).workflow_params.all)).toEqual(['0', '1']);
});

test('an expression that yields nothing is an error naming its key', async () => {
  const failure = evaluate({ run: { workflow_params: { x: '{% steps.align.outputs.missing %}' } } }, context, ['steps', 2]);
  await expect(failure).rejects.toBeInstanceOf(ExpressionError);
  await expect(failure).rejects.toMatchObject({
    key: 'steps[2].run.workflow_params.x',
    message: expect.stringContaining('yields no value'),
  });
});

test('a JSONata error is an ExpressionError naming its key and JSONata code', async () => {
  await expect(evaluate({ x: '{% params.label * 2 %}' }, context)).rejects.toMatchObject({
    name: 'ExpressionError',
    key: 'x',
    message: expect.stringMatching(/^x: expression \{% params\.label \* 2 %\} failed: .*\(JSONata T2001\)$/),
  });
});

test('an expression that yields a function is not a JSON value', async () => {
  await expect(evaluate({ f: '{% $uppercase %}' }, context)).rejects.toMatchObject({
    key: 'f',
    message: expect.stringContaining('yields a function'),
  });
});

describe('the budget of an expression', () => {
  const within = (expression: string) => evaluate({ x: `{% ${expression} %}` }, context, [], EXPRESSION_BUDGET);

  test('steps: an expression that evaluates too many nodes fails fast, naming the budget', async () => {
    await expect(within('$sum([1..99999].($ * 2 + 1))')).rejects.toMatchObject({
      key: 'x',
      message: expect.stringContaining('took more than 20000 evaluation steps (the budget of an expression)'),
    });
    // Without a budget (histories recorded before it) the same expression ends as it always did.
    await expect(evaluate({ x: '{% $sum([1..99999].($ * 2 + 1)) %}' }, context)).resolves.toEqual({ x: 99999 * 99999 + 2 * 99999 });
  });

  test('items: a range past the budget is refused before it is allocated', async () => {
    await expect(within('[1..params.samples * 1e6]')).rejects.toMatchObject({ message: expect.stringContaining('(JSONata D2015)') });
  });

  test('size: a string, or a value, larger than 1 MiB', async () => {
    await expect(within('$pad("", 2000000, "x")')).rejects.toMatchObject({
      message: expect.stringContaining('made a string of more than 1048576 characters'),
    });
    await expect(within('[$pad("", 900000, "x"), $pad("", 900000, "y")]')).rejects.toMatchObject({
      message: expect.stringContaining('yields more than 1048576 characters of JSON'),
    });
  });

  test('within it, the same values as without', async () => {
    expect(await evaluate(template, context, [], EXPRESSION_BUDGET)).toEqual(expected);
  });
});

test('the evaluation module runs inside a bundled workflow and replays to the same result', async () => {
  installQuietRuntime();
  const address = process.env.TEMPORAL_ADDRESS!;
  const taskQueue = `task-expressions-${randomUUID()}`;
  // The module itself is the workflows path: its export `evaluate` becomes a workflow, run in the
  // sandbox exactly as the task workflow will run it.
  const workflowsPath = require.resolve('../workflows/task/expressions');
  const workerConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({ connection: workerConnection, taskQueue, workflowsPath });
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection });
    const workflowId = `task-expressions-${randomUUID()}`;
    const result = await worker.runUntil(client.workflow.execute('evaluate', { args: [template, context], taskQueue, workflowId }));
    expect(result).toEqual(expected);
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    await expect(Worker.runReplayHistory({ workflowsPath }, history, workflowId)).resolves.toBeUndefined();
  } finally {
    await connection.close();
    await workerConnection.close();
  }
});

test("a number beyond a double in a step's outputs passes through an expression with its digits; arithmetic on it is an error", async () => {
  const outputs = parseExactJson('{"n":4200000000000000000000000000000000000000000,"record":{"m":9007199254740993}}') as Record<
    string,
    unknown
  >;
  const withBig: EvaluationContext = { params: {}, steps: { count: { state: 'succeeded', outputs } } };
  const value = await evaluate(
    { n: '{% steps.count.outputs.n %}', record: '{% steps.count.outputs.record %}' },
    withBig,
    [],
    EXPRESSION_BUDGET,
  );
  expect(stringifyExactJson(value)).toBe('{"n":4200000000000000000000000000000000000000000,"record":{"m":9007199254740993}}');
  await expect(evaluate('{% steps.count.outputs.n + 1 %}', withBig, ['x'], EXPRESSION_BUDGET)).rejects.toThrow(ExpressionError);
});

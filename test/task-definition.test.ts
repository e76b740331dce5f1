/** DWES-TASK documents: parsing, the published schema, and every refusal naming its key (docs/tasks.md, "Validation"). */
import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { bindParameters } from '../src/task-definitions/bind-parameters';
import { parseTaskDefinition } from '../src/task-definitions/parse-task-definition';
import { TaskDefinitionError } from '../src/task-definitions/task-definition-error';
import { TASK_SCHEMA, TASK_SCHEMA_ID } from '../src/task-definitions/task-schema';
import { TASK_FORMAT_VERSION, type TaskDefinition } from '../domain/task-definition';
import { cpuMsOf } from './support/thread-cpu';

const EXAMPLES = path.resolve(__dirname, '../examples/tasks');
const readExample = (name: string) => readFileSync(path.join(EXAMPLES, name), 'utf8');

const simulated = (params: Record<string, unknown> = {}) => ({
  workflow_url: 'simulated:',
  workflow_type: 'SIMULATED',
  workflow_type_version: '1',
  workflow_params: { duration_ms: 200, ...params },
});
const runStep = (id: string, params: Record<string, unknown> = {}) => ({ id, run: simulated(params) });
const gateStep = (id: string, schema: object = { type: 'object' }) => ({ id, wait_for_input: { prompt: 'go on?', schema } });
const parallelStep = (id: string, branches: Record<string, object[]>) => ({
  id,
  parallel: { branches: Object.entries(branches).map(([branchId, steps]) => ({ id: branchId, steps })) },
});

/** A task as JSON text (a YAML document too): parameters n and label, and the given steps. */
const task = (steps: object[], more: object = {}) =>
  JSON.stringify({ dwes_task: '1.0', parameters: { n: { type: 'integer', default: 3 }, label: { type: 'string' } }, steps, ...more });

function refusal(text: string): TaskDefinitionError {
  try {
    parseTaskDefinition(text, 'task.yaml');
  } catch (error) {
    if (error instanceof TaskDefinitionError) return error;
    throw error;
  }
  throw new Error('the definition was accepted');
}

describe('valid definitions', () => {
  test.each(['review-and-publish.yaml', 'fan-out.yaml'])('examples/tasks/%s parses', (name) => {
    const definition = parseTaskDefinition(readExample(name), name);
    expect(definition.dwes_task).toBe('1.0');
    expect(definition.steps.length).toBe(3);
  });

  test('the three-step example has a run, a gate and a run, on the simulated provider', () => {
    const definition = parseTaskDefinition(readExample('review-and-publish.yaml'), 'review-and-publish.yaml');
    expect(definition.steps.map((step) => step.id)).toEqual(['compute', 'review', 'publish']);
    expect(definition.steps[0]).toMatchObject({
      run: { workflow_type: 'SIMULATED', workflow_type_version: '1', workflow_url: 'simulated:', provider: 'simulated' },
    });
    expect(definition.steps[1]).toMatchObject({ wait_for_input: { schema: { required: ['approved'] } }, timeout: '2 days' });
    expect(definition.steps[0]).toMatchObject({ retry: { maximum_attempts: 3, initial_interval: '1s', backoff_coefficient: 2 } });
  });

  test('the JSON form of a document is the same definition as its YAML form', () => {
    const yaml = readExample('fan-out.yaml');
    expect(parseTaskDefinition(JSON.stringify(parse(yaml)), 'fan-out.json')).toEqual(parseTaskDefinition(yaml, 'fan-out.yaml'));
  });

  test('a branch reads steps before its parallel step; later steps read the branches and the parallel step', () => {
    const text = task([
      runStep('prepare'),
      parallelStep('fan', {
        left: [
          runStep('l1', { outputs: { x: '{% steps.prepare.outputs.x %}' } }),
          runStep('l2', { outputs: { x: '{% steps.l1.outputs.x %}' } }),
        ],
        right: [runStep('r1', { outputs: { x: '{% params.n %}' } })],
      }),
      runStep('join', { outputs: { l: '{% steps.l2.outputs.x %}', r: '{% steps.r1.state %}', both: '{% steps.fan.outputs %}' } }),
    ]);
    expect(parseTaskDefinition(text, 'task.json').steps).toHaveLength(3);
  });

  test('names inside a filter are the filtered values, not parameters; $$ is the root there', () => {
    const outputs = {
      big: '{% steps.a.outputs.items[size > $$.params.n].name %}',
      bigToo: '{% (steps.a.outputs.items)[size > 2].name %}',
      bySize: '{% steps.a.outputs.items{name: size} %}',
    };
    const text = task([runStep('a'), runStep('b', { outputs })]);
    expect(() => parseTaskDefinition(text, 'task.json')).not.toThrow();
  });

  test('task outputs may read any step, also one inside a branch', () => {
    const text = task([parallelStep('fan', { only: [runStep('inner')] })], { outputs: { inner: '{% steps.inner.outputs %}' } });
    expect(parseTaskDefinition(text, 'task.json').outputs).toEqual({ inner: '{% steps.inner.outputs %}' });
  });
});

describe('the published schema', () => {
  test('is a draft-07 schema with an $id, and accepts the examples', () => {
    expect(TASK_SCHEMA.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(TASK_SCHEMA_ID).toBe(TASK_SCHEMA.$id);
    expect(TASK_SCHEMA).toMatchObject({ properties: { dwes_task: { const: TASK_FORMAT_VERSION } } });
    // A validator other than the one the parser uses: the schema stands on its own.
    const validate = new Ajv({ strict: false }).compile(TASK_SCHEMA);
    for (const name of ['review-and-publish.yaml', 'fan-out.yaml']) expect(validate(parse(readExample(name)))).toBe(true);
    expect(validate({ dwes_task: '1.0', steps: [] })).toBe(false);
  });
});

describe('refused definitions name the offending key', () => {
  test('text that is neither YAML nor JSON', () => {
    expect(refusal('dwes_task: "1.0"\nsteps: [\n')).toMatchObject({
      key: '',
      message: expect.stringMatching(/^task\.yaml: not YAML or JSON: .* \(line 3, column 1\)$/),
    });
  });

  test('a duplicate parameter key, in YAML', () => {
    const text =
      'dwes_task: "1.0"\nparameters:\n  n: {type: integer}\n  n: {type: string}\nsteps:\n  - id: a\n    wait_for_input: {prompt: p, schema: {type: object}}\n';
    expect(refusal(text)).toMatchObject({ key: 'parameters.n', message: 'task.yaml: parameters.n: is given more than once' });
  });

  test('a duplicate parameter key, in JSON (where JSON.parse would keep the last)', () => {
    const text = '{"dwes_task": "1.0", "parameters": {"n": {"type": "integer"}, "n": {"type": "string"}}, "steps": []}';
    expect(refusal(text).key).toBe('parameters.n');
  });

  test('a duplicate output key', () => {
    const text = `${task([runStep('a')]).slice(0, -1)}, "outputs": {"x": 1, "x": 2}}`;
    expect(refusal(text).key).toBe('outputs.x');
  });

  test('a step with no kind', () => {
    expect(refusal(task([{ id: 'a' }]))).toMatchObject({
      key: 'steps[0]',
      message: expect.stringContaining('must have one of run, wait_for_input, parallel'),
    });
  });

  test('a step with two kinds', () => {
    expect(refusal(task([{ ...runStep('a'), ...gateStep('a') }])).key).toBe('steps[0].wait_for_input');
  });

  test('retry on a gate', () => {
    expect(refusal(task([{ ...gateStep('a'), retry: { maximum_attempts: 2 } }])).key).toBe('steps[0].retry');
  });

  test('a run without its workflow_url, deep in a branch', () => {
    const { workflow_url: _, ...run } = simulated();
    expect(refusal(task([parallelStep('p', { b: [{ id: 'x', run }] })])).key).toBe(
      'steps[0].parallel.branches[0].steps[0].run.workflow_url',
    );
  });

  test('another version of the format', () => {
    expect(refusal(task([gateStep('a')], { dwes_task: '2.0' }))).toMatchObject({
      key: 'dwes_task',
      message: expect.stringContaining('must be "1.0"'),
    });
  });

  test('a parameter key that expressions could not name', () => {
    expect(refusal(task([gateStep('a')], { parameters: { 'sample-count': { type: 'integer' } } }))).toMatchObject({
      key: 'parameters.sample-count',
      message: expect.stringContaining('must be an identifier'),
    });
  });

  test('a step timeout that is not a duration', () => {
    expect(refusal(task([{ ...runStep('a'), timeout: '0s' }]))).toMatchObject({
      key: 'steps[0].timeout',
      message: expect.stringContaining('a duration such as'),
    });
  });

  test('a task timeout that is not a duration', () => {
    expect(refusal(task([runStep('a')], { timeout: 'soon' })).key).toBe('timeout');
  });

  test('retries fewer than one', () => {
    expect(refusal(task([{ ...runStep('a'), retry: { maximum_attempts: 0 } }])).key).toBe('steps[0].retry.maximum_attempts');
  });

  test('a gate whose input is not an object', () => {
    expect(refusal(task([gateStep('a', { type: 'string' })])).key).toBe('steps[0].wait_for_input.schema.type');
  });

  test('two steps with one id', () => {
    expect(refusal(task([runStep('a'), runStep('a')]))).toMatchObject({
      key: 'steps[1].id',
      message: expect.stringContaining('"a" is already the name of steps[0].id'),
    });
  });

  test('a step in a branch with the id of a step outside', () => {
    expect(refusal(task([runStep('a'), parallelStep('p', { b: [runStep('a')] })])).key).toBe('steps[1].parallel.branches[0].steps[0].id');
  });

  test('a step id that is a parameter key (an output-key collision)', () => {
    expect(refusal(task([runStep('n')]))).toMatchObject({
      key: 'steps[0].id',
      message: expect.stringContaining('already the name of parameters.n'),
    });
  });

  test('two branches with one id', () => {
    const block = {
      id: 'p',
      parallel: {
        branches: [
          { id: 'b', steps: [runStep('x')] },
          { id: 'b', steps: [runStep('y')] },
        ],
      },
    };
    expect(refusal(task([block])).key).toBe('steps[0].parallel.branches[1].id');
  });

  test('a reference to an unknown parameter', () => {
    expect(refusal(task([runStep('a', { outputs: { x: '{% params.count %}' } })]))).toMatchObject({
      key: 'steps[0].run.workflow_params.outputs.x',
      message: expect.stringContaining('there is no parameter "count"'),
    });
  });

  test('a reference to an unknown step', () => {
    expect(refusal(task([runStep('a'), runStep('b', { outputs: { x: '{% steps.nope.outputs %}' } })]))).toMatchObject({
      key: 'steps[1].run.workflow_params.outputs.x',
      message: expect.stringContaining('there is no step "nope"'),
    });
  });

  test('a reference to something outside the context', () => {
    expect(refusal(task([runStep('a', { outputs: { x: '{% parms.n %}' } })])).message).toContain('reads parms');
  });

  test('a reference to a field a step does not have', () => {
    expect(refusal(task([runStep('a'), runStep('b', { outputs: { x: '{% steps.a.output.x %}' } })])).message).toContain(
      'reads steps.a.output',
    );
  });

  test('a reference to an unknown step from a task output', () => {
    expect(refusal(task([runStep('a')], { outputs: { x: '{% steps.b.outputs %}' } })).key).toBe('outputs.x');
  });

  test('a step that reads itself (a cycle)', () => {
    expect(refusal(task([runStep('a', { outputs: { x: '{% steps.a.run_id %}' } })]))).toMatchObject({
      key: 'steps[0].run.workflow_params.outputs.x',
      message: expect.stringContaining('a cycle'),
    });
  });

  test('a step that reads a later step (a cycle)', () => {
    expect(refusal(task([runStep('a', { outputs: { x: '{% steps.b.outputs %}' } }), runStep('b')])).message).toContain(
      'steps.b, which has not ended',
    );
  });

  test('a branch that reads a step of another branch of its parallel step (a cycle)', () => {
    const text = task([parallelStep('p', { left: [runStep('l')], right: [runStep('r', { outputs: { x: '{% steps.l.outputs %}' } })] })]);
    expect(refusal(text)).toMatchObject({
      key: 'steps[0].parallel.branches[1].steps[0].run.workflow_params.outputs.x',
      message: expect.stringContaining('a cycle'),
    });
  });

  test('a branch that reads its own parallel step (a cycle)', () => {
    expect(
      refusal(task([parallelStep('p', { b: [gateStep('g'), runStep('x', { outputs: { x: '{% steps.p.state %}' } })] })])).message,
    ).toContain('a cycle');
  });

  test('a gate prompt that reads a later step', () => {
    expect(
      refusal(task([{ id: 'g', wait_for_input: { prompt: '{% steps.a.state %}', schema: { type: 'object' } } }, runStep('a')])).key,
    ).toBe('steps[0].wait_for_input.prompt');
  });

  test('an expression that does not parse', () => {
    expect(refusal(task([runStep('a', { outputs: { x: '{% params.n + %}' } })]))).toMatchObject({
      key: 'steps[0].run.workflow_params.outputs.x',
      message: expect.stringContaining('does not parse'),
    });
  });

  test('an expression that is not the whole string', () => {
    expect(refusal(task([runStep('a', { outputs: { x: 'sample-{% params.n %}' } })]))).toMatchObject({
      key: 'steps[0].run.workflow_params.outputs.x',
      message: expect.stringContaining('must be the whole string'),
    });
  });

  test('an expression that defines a function (it could recurse without end)', () => {
    expect(refusal(task([runStep('a', { outputs: { x: '{% ($f := function($x){ $f($x) }; $f(1)) %}' } })])).message).toContain(
      'defines a function',
    );
  });

  test('an expression that calls $eval', () => {
    expect(refusal(task([runStep('a', { outputs: { x: '{% $eval("1 + 1") %}' } })])).message).toContain('calls $eval');
  });

  test('an expression with a regular expression (it would backtrack in one step)', () => {
    expect(refusal(task([runStep('a', { outputs: { x: '{% $match(params.label, /(a+)+$/) %}' } })])).message).toContain(
      'has a regular expression',
    );
  });

  test('a range written past the budget of an expression', () => {
    expect(refusal(task([runStep('a', { outputs: { x: '{% [1..1e7].([1..1e7]) %}' } })]))).toMatchObject({
      key: 'steps[0].run.workflow_params.outputs.x',
      message: expect.stringContaining('makes a range of 10000000 numbers'),
    });
  });

  test('a pattern RE2 cannot run (lookaround, backreferences), in a parameter or a gate', () => {
    expect(refusal(task([runStep('a')], { parameters: { code: { type: 'string', pattern: '^(?!x)' } } }))).toMatchObject({
      key: 'parameters.code.pattern',
      message: expect.stringContaining('is not one RE2 runs'),
    });
    // ajv would never compile this one (its schema is {}), but the gate would run it.
    expect(refusal(task([gateStep('g', { type: 'object', patternProperties: { '(a)\\1': {} } })])).key).toBe(
      'steps[0].wait_for_input.schema.patternProperties',
    );
  });

  test('a parameter default checked by RE2: a backtracking pattern is answered at once', () => {
    // JavaScript's RegExp would take hours.
    const cpuMs = cpuMsOf(() => {
      expect(
        refusal(task([runStep('a')], { parameters: { code: { type: 'string', pattern: '^(a+)+$', default: `${'a'.repeat(40)}!` } } })).key,
      ).toBe('parameters.code.default');
    });
    expect(cpuMs).toBeLessThan(100);
  });

  test('a gate schema with a misspelt keyword does not compile', () => {
    expect(refusal(task([gateStep('a', { type: 'object', requried: ['x'] })]))).toMatchObject({
      key: 'steps[0].wait_for_input.schema',
      message: expect.stringContaining('unknown keyword: "requried"'),
    });
  });

  test('a gate schema that breaks the meta-schema does not compile', () => {
    expect(refusal(task([runStep('a'), gateStep('g', { type: 'object', properties: { x: { type: 'integr' } } })])).key).toBe(
      'steps[1].wait_for_input.schema',
    );
  });

  test('a parameter schema that does not compile', () => {
    expect(refusal(task([runStep('a')], { parameters: { n: { type: 'integer', minimum: 'one' } } }))).toMatchObject({
      key: 'parameters.n',
      message: expect.stringContaining('is not a JSON Schema that compiles'),
    });
  });

  test("a parameter default that does not fit the parameter's schema", () => {
    expect(refusal(task([runStep('a')], { parameters: { n: { type: 'integer', default: 'three' } } })).key).toBe('parameters.n.default');
  });
});

describe('binding a run’s workflow_params to the parameters', () => {
  const definition: TaskDefinition = parseTaskDefinition(task([runStep('a')]), 'task.json');

  test('fills defaults and keeps what was given, without changing it', () => {
    const given = { label: 'x' };
    expect(bindParameters(definition, given, 'task.json')).toEqual({ n: 3, label: 'x' });
    expect(given).toEqual({ label: 'x' });
  });

  test('refuses a missing parameter that has no default', () => {
    expect(() => bindParameters(definition, {}, 'task.json')).toThrow('workflow_params.label: is required');
  });

  test('refuses a value of the wrong type', () => {
    expect(() => bindParameters(definition, { label: 'x', n: 'three' }, 'task.json')).toThrow('workflow_params.n: must be an integer');
  });

  test('refuses a parameter the task does not declare', () => {
    expect(() => bindParameters(definition, { label: 'x', m: 1 }, 'task.json')).toThrow('workflow_params.m: is not allowed here');
  });
});

describe('limits (docs/tasks.md, "Limits")', () => {
  test('a document larger than 64 KiB', () => {
    expect(refusal(task([runStep('a')], { description: 'x'.repeat(64 * 1024) })).message).toContain('is larger than 64 KiB');
  });

  test('brackets nested past 64 deep, refused before the parser recurses into them', () => {
    const cpuMs = cpuMsOf(() => {
      expect(refusal(`dwes_task: "1.0"\nx: ${'['.repeat(20_000)}${']'.repeat(20_000)}`).message).toContain(
        'nests brackets more than 64 deep',
      );
    });
    expect(cpuMs).toBeLessThan(100);
  });

  test('a billion laughs: aliases are not expanded without end', () => {
    const levels = Array.from(
      { length: 9 },
      (_, i) =>
        `l${i}: &l${i} [${Array(9)
          .fill(i === 0 ? 'x' : `*l${i - 1}`)
          .join(', ')}]`,
    );
    expect(refusal(`dwes_task: "1.0"\nsteps: []\n${levels.join('\n')}\n`).message).toContain('resource exhaustion');
  });

  test('more than 100 steps in a list, 100 branches, 10 attempts', () => {
    expect(refusal(task(Array.from({ length: 101 }, (_, i) => runStep(`s${i}`))))).toMatchObject({
      key: 'steps',
      message: expect.stringContaining('more than 100 items'),
    });
    const branches = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`b${i}`, [runStep(`s${i}`)]]));
    expect(refusal(task([parallelStep('p', branches)])).key).toBe('steps[0].parallel.branches');
    expect(refusal(task([{ ...runStep('a'), retry: { maximum_attempts: 11 } }])).key).toBe('steps[0].retry.maximum_attempts');
  });

  test('more than 500 steps in all, and parallel steps nested more than 4 deep', () => {
    const small = (id: string) => ({ id, run: { workflow_url: 'x:', workflow_type: 'X', workflow_type_version: '1' } });
    const wide = Object.fromEntries(
      Array.from({ length: 20 }, (_, b) => [`b${b}`, Array.from({ length: 26 }, (_, i) => small(`s${b}_${i}`))]),
    );
    expect(refusal(task([parallelStep('p', wide)]))).toMatchObject({
      key: 'steps',
      message: expect.stringContaining("has 521 steps, its branches' included: more than the 500 a task may have"),
    });
    const nest = (depth: number): object =>
      parallelStep(`p${depth}`, { [`b${depth}`]: depth === 1 ? [runStep('leaf')] : [nest(depth - 1)] });
    expect(() => parseTaskDefinition(task([nest(4)]), 'task.yaml')).not.toThrow();
    expect(refusal(task([nest(5)]))).toMatchObject({
      key: 'steps[0].parallel.branches[0].steps[0].parallel.branches[0].steps[0].parallel.branches[0].steps[0].parallel.branches[0].steps[0].parallel',
      message: expect.stringContaining('more than 4 deep'),
    });
  });
});

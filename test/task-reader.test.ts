/**
 * The task reader (src/task-definitions/task-reader.ts) reads definitions and checks gate inputs in
 * worker threads, off the API's event loop: within a time limit, past which the definition is
 * refused and its thread replaced, and a bounded queue.
 */
import { ReaderBusyError, TaskReader } from '../src/task-definitions/task-reader';
import { TaskDefinitionError } from '../src/task-definitions/task-definition-error';
import type { WaitForInputStep } from '../domain/task-definition';
import { taskDocument } from './support/task-documents';

const small = taskDocument({
  parameters: { n: { type: 'integer', default: 2 } },
  steps: [{ id: 'gate', wait_for_input: { prompt: '{% $string(params.n) %}', schema: { type: 'object' } } }],
});
/** About a second to read: 64 KiB of parameter schemas with patterns and defaults. */
const costly = taskDocument({
  parameters: Object.fromEntries(
    Array.from({ length: 720 }, (_, i) => [
      `p${i}`,
      { type: 'string', pattern: `^x{${i % 50}}[a-z]+$`, default: `${'x'.repeat(i % 50)}a` },
    ]),
  ),
  steps: [{ id: 'gate', wait_for_input: { prompt: 'ok?', schema: { type: 'object' } } }],
});

let reader: TaskReader | undefined;
afterEach(() => reader?.close());

test('a definition and its bound parameters come back; a refusal comes back as the TaskDefinitionError that names the key', async () => {
  reader = new TaskReader({ threads: 1, maxQueued: 4, timeLimitMs: 30_000, maxHeapMb: 256 });
  const read = await reader.readTask(small, 'task.yaml', {});
  expect(read.params).toEqual({ n: 2 });
  expect(read.definition.steps[0].id).toBe('gate');
  const refused = await reader.readTask(small, 'task.yaml', { n: 'two' }).catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(TaskDefinitionError);
  expect((refused as TaskDefinitionError).message).toBe('task.yaml: workflow_params.n: must be an integer');
});

test('past its CPU time limit a definition is refused, and the next one is read by a new thread', async () => {
  reader = new TaskReader({ threads: 1, maxQueued: 4, timeLimitMs: 300, maxHeapMb: 256 });
  // The thread starts with this one: the limit counts from when it is taken.
  await reader.readTask(small, 'warm.yaml', {});
  const refused = await reader.readTask(costly, 'task.yaml', {}).catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(TaskDefinitionError);
  expect((refused as Error).message).toBe('task.yaml: took longer than 0.3 s of CPU to read: a definition this costly is refused');
  expect((await reader.readTask(small, 'task.yaml', {})).params).toEqual({ n: 2 });
});

test('past the queue a job is refused at once', async () => {
  reader = new TaskReader({ threads: 1, maxQueued: 1, timeLimitMs: 30_000, maxHeapMb: 256 });
  const [first, second, third] = [0, 1, 2].map(() =>
    reader!.readTask(small, 'task.yaml', {}).then(
      () => 'read',
      (error: unknown) => error,
    ),
  );
  expect(await third).toBeInstanceOf(ReaderBusyError);
  expect(await first).toBe('read');
  expect(await second).toBe('read');
});

test('a gate input is checked on RE2 in the thread: a pattern JavaScript would backtrack on answers at once', async () => {
  reader = new TaskReader({ threads: 1, maxQueued: 4, timeLimitMs: 30_000, maxHeapMb: 256 });
  const gate: WaitForInputStep = {
    id: 'gate',
    wait_for_input: { prompt: 'code?', schema: { type: 'object', properties: { code: { type: 'string', pattern: '^(a+)+$' } } } },
  };
  expect(await reader.gateInputProblem(gate, { code: `${'a'.repeat(40)}!` })).toBe('gate: the input at code: must be like ^(a+)+$');
  expect(await reader.gateInputProblem(gate, { code: 'aaa' })).toBeUndefined();
});

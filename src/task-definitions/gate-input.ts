/**
 * A resume input checked against its gate's schema in the API, on RE2 (./user-schemas.ts), before
 * it is sent to the task's workflow: the workflow checks it again, but with a validator that runs
 * the schema's patterns on JavaScript's backtracking RegExp, where `^(a+)+$` and 41 characters hold
 * a workflow task for hours (docs/tasks.md, "Steps").
 */
import { formatKey } from '../../domain/key-path';
import type { TaskDefinition, WaitForInputStep } from '../../domain/task-definition';
import { eachStep } from './each-step';
import { firstViolation } from './schema-violation';
import { userSchemaCompiler } from './user-schemas';

export function gateStep(definition: TaskDefinition, stepId: string): WaitForInputStep | undefined {
  for (const { step } of eachStep(definition.steps)) if (step.id === stepId && 'wait_for_input' in step) return step;
  return undefined;
}

/** Why `gate` refuses `input`, worded as the workflow's check words it; undefined when it takes it. */
export function gateInputProblem(gate: WaitForInputStep, input: unknown): string | undefined {
  const validate = userSchemaCompiler().compile(gate.wait_for_input.schema);
  if (validate(input)) return undefined;
  const { at, problem } = firstViolation(validate.errors);
  const key = formatKey(at);
  return `${gate.id}: the input${key ? ` at ${key}` : ''}: ${problem}`;
}

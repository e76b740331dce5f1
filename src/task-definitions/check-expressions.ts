/**
 * Every expression of a task definition parses, and reads only what will be there when it is
 * evaluated: parameters that exist, and steps that have ended before its own step starts. Steps
 * run in order and a parallel step's branches side by side, so a step may read the steps before
 * it in its own list, and whatever its enclosing steps may read; reading itself, a later step or a
 * step of another branch of the same parallel step would be a cycle. The task's outputs are read
 * when every step has ended.
 */
import { expressionOf, looksLikeExpression } from '../../workflows/task/expressions';
import type { KeyPath } from '../../domain/key-path';
import type { Step, TaskDefinition } from '../../domain/task-definition';
import { eachBranch, eachStep } from './each-step';
import { referencesOf, UnusableExpressionError, type Reference } from './expression-references';
import { TaskDefinitionError } from './task-definition-error';

/** What the evaluation context holds of each step (workflows/task/expressions.ts). */
const STEP_FIELDS = ['state', 'run_id', 'outputs'];

interface Scope {
  parameters: ReadonlySet<string>;
  stepIds: ReadonlySet<string>;
  /** The steps that have ended when the expression is evaluated. */
  ended: ReadonlySet<string>;
  source: string;
}

export function checkExpressions(definition: TaskDefinition, source: string): void {
  const parameters = new Set(Object.keys(definition.parameters ?? {}));
  const stepIds = new Set([...eachStep(definition.steps)].map(({ step }) => step.id));
  const scope = { parameters, stepIds, source };
  checkSequence(definition.steps, ['steps'], { ...scope, ended: new Set() });
  checkValue(definition.outputs, ['outputs'], { ...scope, ended: stepIds });
}

/** Checks a list of steps that run in order; returns what has ended after it. */
function checkSequence(steps: Step[], at: KeyPath, scope: Scope): ReadonlySet<string> {
  let ended = scope.ended;
  for (const [index, step] of steps.entries()) {
    const stepAt = [...at, index];
    const here = { ...scope, ended };
    if ('run' in step) checkValue(step.run, [...stepAt, 'run'], here);
    if ('wait_for_input' in step) checkValue(step.wait_for_input.prompt, [...stepAt, 'wait_for_input', 'prompt'], here);
    const after = new Set([...ended, step.id]);
    if ('parallel' in step) {
      for (const { branch, at: branchAt } of eachBranch(step.parallel.branches, stepAt)) {
        for (const id of checkSequence(branch.steps, [...branchAt, 'steps'], here)) after.add(id);
      }
    }
    ended = after;
  }
  return ended;
}

function checkValue(value: unknown, at: KeyPath, scope: Scope): void {
  if (typeof value === 'string') {
    checkString(value, at, scope);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => checkValue(item, [...at, index], scope));
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) checkValue(item, [...at, key], scope);
  }
}

function checkString(value: string, at: KeyPath, scope: Scope): void {
  const expression = expressionOf(value);
  if (expression === undefined) {
    if (looksLikeExpression(value)) throw new TaskDefinitionError(scope.source, at, 'an expression must be the whole string, as "{% … %}"');
    return;
  }
  let references: Reference[];
  try {
    references = referencesOf(expression);
  } catch (error) {
    if (!(error instanceof UnusableExpressionError)) throw error;
    throw new TaskDefinitionError(scope.source, at, `expression ${value} ${error.message}`);
  }
  for (const reference of references) {
    const problem = referenceProblem(reference, scope);
    if (problem) throw new TaskDefinitionError(scope.source, at, `expression ${value} ${problem}`);
  }
}

function referenceProblem({ root, name, field }: Reference, scope: Scope): string | undefined {
  if (root === 'params') {
    return name === undefined || scope.parameters.has(name) ? undefined : `reads params.${name}: there is no parameter "${name}"`;
  }
  if (root !== 'steps') return `reads ${root}: expressions read params.<key> and steps.<id>`;
  if (name === undefined) return undefined;
  if (!scope.stepIds.has(name)) return `reads steps.${name}: there is no step "${name}"`;
  if (!scope.ended.has(name)) {
    return `reads steps.${name}, which has not ended when this is evaluated: a cycle (a step reads only steps before it, not itself, a later step or another branch of its parallel step)`;
  }
  if (field !== undefined && !STEP_FIELDS.includes(field)) return `reads steps.${name}.${field}: a step has ${STEP_FIELDS.join(', ')}`;
  return undefined;
}

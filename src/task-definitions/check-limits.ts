/**
 * What one task may ask of the service, beyond what the schema caps in each list (steps of a list,
 * branches of a parallel step, attempts of a step): the steps of the whole task, and how deeply
 * parallel steps nest. Each step is a child workflow (a run step, a run) and each level a
 * fan-out, so these bound the work one submission starts (docs/tasks.md, "Limits").
 */
import type { KeyPath } from '../../domain/key-path';
import type { Step, TaskDefinition } from '../../domain/task-definition';
import { eachBranch, eachStep } from './each-step';
import { TaskDefinitionError } from './task-definition-error';

export const MAX_TASK_STEPS = 500;
export const MAX_PARALLEL_NESTING = 4;

export function checkLimits(definition: TaskDefinition, source: string): void {
  const count = [...eachStep(definition.steps)].length;
  if (count > MAX_TASK_STEPS)
    throw new TaskDefinitionError(
      source,
      ['steps'],
      `has ${count} steps, its branches' included: more than the ${MAX_TASK_STEPS} a task may have`,
    );
  checkNesting(definition.steps, ['steps'], 0, source);
}

function checkNesting(steps: Step[], at: KeyPath, depth: number, source: string): void {
  for (const [index, step] of steps.entries()) {
    if (!('parallel' in step)) continue;
    const stepAt = [...at, index];
    if (depth + 1 > MAX_PARALLEL_NESTING)
      throw new TaskDefinitionError(source, [...stepAt, 'parallel'], `nests parallel steps more than ${MAX_PARALLEL_NESTING} deep`);
    for (const { branch, at: branchAt } of eachBranch(step.parallel.branches, stepAt))
      checkNesting(branch.steps, [...branchAt, 'steps'], depth + 1, source);
  }
}

/**
 * Parameter keys, step ids and branch ids are one namespace: each names one thing in expressions
 * (`params.x`, `steps.x`), in a parallel step's outputs (by branch id) and in the run's task list,
 * so two of them with one name would make an output key, or a reference, mean two things.
 */
import type { TaskDefinition } from '../../domain/task-definition';
import { formatKey, type KeyPath } from '../../domain/key-path';
import { eachBranch, eachStep } from './each-step';
import { TaskDefinitionError } from './task-definition-error';

export function checkIds(definition: TaskDefinition, source: string): void {
  const named = new Map<string, KeyPath>();
  const claim = (name: string, at: KeyPath) => {
    const first = named.get(name);
    if (first)
      throw new TaskDefinitionError(
        source,
        at,
        `"${name}" is already the name of ${formatKey(first)}: parameter keys, step ids and branch ids must all differ`,
      );
    named.set(name, at);
  };
  for (const key of Object.keys(definition.parameters ?? {})) claim(key, ['parameters', key]);
  for (const { step, at } of eachStep(definition.steps)) {
    claim(step.id, [...at, 'id']);
    if ('parallel' in step) {
      for (const { branch, at: branchAt } of eachBranch(step.parallel.branches, at)) claim(branch.id, [...branchAt, 'id']);
    }
  }
}

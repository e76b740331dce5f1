/** Every step of a task, branches included, in document order, with its key path. */
import type { Branch, Step } from '../../domain/task-definition';
import type { KeyPath } from '../../domain/key-path';

export interface PlacedStep {
  step: Step;
  at: KeyPath;
}

export function* eachStep(steps: Step[], at: KeyPath = ['steps']): Generator<PlacedStep> {
  for (const [index, step] of steps.entries()) {
    yield { step, at: [...at, index] };
    if ('parallel' in step) {
      for (const { branch, at: branchAt } of eachBranch(step.parallel.branches, [...at, index]))
        yield* eachStep(branch.steps, [...branchAt, 'steps']);
    }
  }
}

/** The branches of a parallel step at `stepAt`, with their key paths. */
export function* eachBranch(branches: Branch[], stepAt: KeyPath): Generator<{ branch: Branch; at: KeyPath }> {
  for (const [index, branch] of branches.entries()) yield { branch, at: [...stepAt, 'parallel', 'branches', index] };
}

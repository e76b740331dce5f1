/**
 * A task's run steps checked against the providers at submission, as a plain run is
 * (./provider-check.ts), where the document fixes what the check reads (docs/tasks.md,
 * "Validation"): a step whose provider, or whose workflow_url, type or version, is an expression
 * is checked when its child run starts instead. Values of workflow_params, engine parameters and
 * tags that are expressions are left out of the check: it reads only what is known.
 */
import { InvalidRunRequestError } from '../../../activities/errors';
import type { DescriptorRegistry } from '../../../activities/providers/descriptors';
import { PROVIDER_TAG } from '../../../activities/run-tags';
import type { RunTemplate, TaskDefinition } from '../../../domain/task-definition';
import type { WesRunRequest } from '../../../domain/run-types';
import type { KeyPath } from '../../../domain/key-path';
import { eachStep } from '../../task-definitions/each-step';
import { holdsExpression, literalPart } from '../../task-definitions/literal-values';
import { TaskDefinitionError } from '../../task-definitions/task-definition-error';
import { checkedProvider } from './provider-check';

/** Throws a TaskDefinitionError (a 400) naming the first run step no configured provider can run. */
export function checkStepProviders(definition: TaskDefinition, registry: DescriptorRegistry, source: string): void {
  for (const { step, at } of eachStep(definition.steps)) {
    if (!('run' in step)) continue;
    const problem = stepProblem(step.run, registry, [...at, 'run']);
    if (problem) throw new TaskDefinitionError(source, problem.at, `step ${step.id}: ${problem.message}`);
  }
}

function stepProblem(run: RunTemplate, registry: DescriptorRegistry, at: KeyPath): { at: KeyPath; message: string } | undefined {
  const { provider, ...template } = run;
  const [chooser, chooserAt] = provider === undefined ? [template.tags?.[PROVIDER_TAG], ['tags', PROVIDER_TAG]] : [provider, ['provider']];
  if (chooser !== undefined && holdsExpression(chooser)) return undefined;
  const name = chooser ?? registry.defaultProvider;
  const problem = invalidRequest(() => registry.get(name));
  if (problem !== undefined) return { at: [...at, ...chooserAt], message: problem };
  const request = literalPart(template);
  // Without its workflow known, no provider's check can tell anything.
  if (request.workflow_url === undefined || request.workflow_type === undefined || request.workflow_type_version === undefined)
    return undefined;
  const refusal = invalidRequest(() => checkedProvider(registry, { provider: name, request: request as WesRunRequest }));
  return refusal === undefined ? undefined : { at, message: `provider '${name}' cannot run it: ${refusal}` };
}

/** The message of the InvalidRunRequestError `check` throws, if it does. */
function invalidRequest(check: () => unknown): string | undefined {
  try {
    check();
    return undefined;
  } catch (err) {
    if (err instanceof InvalidRunRequestError) return err.message;
    throw err;
  }
}

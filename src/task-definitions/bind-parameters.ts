/**
 * A task run's parameters: the run's workflow_params checked against the definition's parameter
 * schemas, with their defaults filled in. A key the task does not declare is refused (most likely
 * misspelt); a parameter without a default is required.
 */
import type { TaskDefinition } from '../../domain/task-definition';
import { firstViolation } from './schema-violation';
import { TaskDefinitionError } from './task-definition-error';
import { userSchemaCompiler } from './user-schemas';

export function bindParameters(
  definition: TaskDefinition,
  workflowParams: Record<string, unknown>,
  source: string,
): Record<string, unknown> {
  const parameters = definition.parameters ?? {};
  const schema = {
    type: 'object',
    properties: parameters,
    required: Object.keys(parameters).filter((key) => !('default' in parameters[key])),
    additionalProperties: false,
  };
  const validate = userSchemaCompiler({ useDefaults: true }).compile(schema);
  // ajv fills defaults in place: the caller's object stays as given.
  const params = structuredClone(workflowParams);
  if (!validate(params)) {
    const { at, problem } = firstViolation(validate.errors);
    throw new TaskDefinitionError(source, ['workflow_params', ...at], problem);
  }
  return params;
}

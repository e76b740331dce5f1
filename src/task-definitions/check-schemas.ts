/** Every schema of a task definition compiles, and every parameter's default fits its schema. */
import type { ValidateFunction } from 'ajv';
import type { KeyPath } from '../../domain/key-path';
import type { JsonSchema, TaskDefinition } from '../../domain/task-definition';
import { eachStep } from './each-step';
import { firstViolation } from './schema-violation';
import { TaskDefinitionError } from './task-definition-error';
import { unrunnablePattern, userSchemaCompiler } from './user-schemas';

export function checkSchemas(definition: TaskDefinition, source: string): void {
  const ajv = userSchemaCompiler();
  const compile = (schema: JsonSchema, at: KeyPath): ValidateFunction => {
    const pattern = unrunnablePattern(schema);
    if (pattern) throw new TaskDefinitionError(source, [...at, ...pattern.at], `is not a JSON Schema that compiles: ${pattern.problem}`);
    try {
      return ajv.compile(schema);
    } catch (error) {
      throw new TaskDefinitionError(source, at, `is not a JSON Schema that compiles: ${(error as Error).message}`);
    }
  };
  for (const [key, schema] of Object.entries(definition.parameters ?? {})) {
    const validate = compile(schema, ['parameters', key]);
    if ('default' in schema && !validate(schema.default)) {
      const violation = firstViolation(validate.errors);
      throw new TaskDefinitionError(
        source,
        ['parameters', key, 'default', ...violation.at],
        `does not fit the parameter's schema: ${violation.problem}`,
      );
    }
  }
  for (const { step, at } of eachStep(definition.steps)) {
    if ('wait_for_input' in step) compile(step.wait_for_input.schema, [...at, 'wait_for_input', 'schema']);
  }
}

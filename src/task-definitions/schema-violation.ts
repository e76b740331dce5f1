/**
 * ajv's errors as the one violation to report, at a key path users read
 * (`steps[1].run.workflow_url: is required`). The ajv instance must be `verbose`: the messages
 * take alternatives and titles from the failing schemas.
 */
import type { ErrorObject } from 'ajv';
import { keyPathOf, type KeyPath } from '../../domain/key-path';

export interface SchemaViolation {
  at: KeyPath;
  problem: string;
}

/** `errors` of a validation that failed: ajv sets them then. */
export function firstViolation(errors: ErrorObject[] | null | undefined): SchemaViolation {
  if (!errors || errors.length === 0) throw new Error('ajv: a failed validation without errors');
  return describe(reported(errors));
}

/**
 * ajv lists the failures of each alternative of an `anyOf` before the `anyOf` itself; those say
 * only that one alternative is missing, the `anyOf` says what is needed.
 */
function reported(errors: ErrorObject[]): ErrorObject {
  const [first] = errors;
  const alternatives = errors.find((error) => error.keyword === 'anyOf' && first.schemaPath.startsWith(`${error.schemaPath}/`));
  return alternatives ?? first;
}

function describe(error: ErrorObject): SchemaViolation {
  // A key refused by `propertyNames` is named by the error, not by its path.
  const at = [...keyPathOf(error.instancePath), ...(error.propertyName === undefined ? [] : [error.propertyName])];
  switch (error.keyword) {
    case 'anyOf': {
      const names = (error.schema as Array<{ required?: string[] }>).flatMap((alternative) => alternative.required ?? []);
      return { at, problem: names.length > 0 ? `must have one of ${names.join(', ')}` : (error.message ?? 'anyOf') };
    }
    case 'required':
      return { at: [...at, error.params.missingProperty], problem: 'is required' };
    case 'additionalProperties':
      return { at: [...at, error.params.additionalProperty], problem: 'is not allowed here' };
    case 'type': {
      const { type } = error.params as { type: string };
      return { at, problem: `must be ${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}` };
    }
    case 'const':
      return { at, problem: `must be ${JSON.stringify(error.params.allowedValue)}` };
    case 'pattern': {
      const { title } = (error.parentSchema ?? {}) as { title?: string };
      const { pattern } = error.params as { pattern: string };
      return { at, problem: `must be ${title ?? `like ${pattern}`}` };
    }
    default:
      return { at, problem: error.message ?? error.keyword };
  }
}

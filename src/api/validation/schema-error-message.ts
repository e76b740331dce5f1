/**
 * An ajv error as a message that names the field: `workflow_type is required`,
 * `tags.x must be a string`, `unknown field 'workflow_prams'`, `page_size must be <= 1000`.
 */
import type { DefinedError, ErrorObject } from 'ajv';
import { formatKey, keyPathOf } from '../../../domain/key-path';

/** `state` and `/0` → `state[0]`; `` and `/tags/x` → `tags.x`; nothing at all → the request body. */
function fieldName(root: string, instancePath: string, child?: string): string {
  return formatKey([...(root ? [root] : []), ...keyPathOf(instancePath), ...(child === undefined ? [] : [child])]) || 'the request body';
}

const withArticle = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

/** `root` is the parameter's name, or '' for the body. */
export function schemaErrorMessage(error: ErrorObject, root: string): string {
  const field = fieldName(root, error.instancePath);
  // ajv's messages are on (its default): the fallback only keeps the type honest.
  const said = `${field} ${error.message ?? 'is invalid'}`;
  // The document's schemas use ajv's own keywords (and ajv-formats'), whose errors are these.
  const known = error as DefinedError;
  switch (known.keyword) {
    case 'required':
      return `${fieldName(root, known.instancePath, known.params.missingProperty)} is required`;
    case 'additionalProperties':
      return `unknown field '${fieldName(root, known.instancePath, known.params.additionalProperty)}'`;
    case 'type':
      return `${field} must be ${withArticle(known.params.type)}`;
    case 'enum':
      return `${field} must be one of ${known.params.allowedValues.join(', ')}, not ${JSON.stringify(known.data)}`;
    case 'minLength':
      return known.params.limit === 1 ? `${field} must not be empty` : said;
    default:
      return said;
  }
}

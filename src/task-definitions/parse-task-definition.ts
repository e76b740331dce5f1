/**
 * A DWES-TASK document, from its text to a definition the task workflow can run: read as YAML or
 * JSON, checked against the published schema, then what a schema cannot say (docs/tasks.md,
 * "Validation"). Anything wrong is a TaskDefinitionError that names the key.
 */
import type { TaskDefinition } from '../../domain/task-definition';
import { checkExpressions } from './check-expressions';
import { checkIds } from './check-ids';
import { checkLimits } from './check-limits';
import { checkSchemas } from './check-schemas';
import { readDocument } from './read-document';
import { TaskDefinitionError } from './task-definition-error';
import { schemaViolation } from './task-schema';

/** `source` names the document in errors: an attachment's path or the workflow_url. */
export function parseTaskDefinition(text: string, source: string): TaskDefinition {
  const document = readDocument(text, source);
  const violation = schemaViolation(document);
  if (violation) throw new TaskDefinitionError(source, violation.at, violation.problem);
  const definition = document as TaskDefinition;
  checkLimits(definition, source);
  checkIds(definition, source);
  checkSchemas(definition, source);
  checkExpressions(definition, source);
  return definition;
}

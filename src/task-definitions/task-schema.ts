/**
 * The published JSON Schema (draft-07) of the DWES-TASK format, and its validator: documents are
 * checked against it before anything else. TASK_SCHEMA is what the API serves and names in
 * service-info, TASK_SCHEMA_ID its `$id`.
 */
import Ajv from 'ajv';
import schema from './dwes-task-1.0.schema.json';
import { firstViolation, type SchemaViolation } from './schema-violation';

export const TASK_SCHEMA: Readonly<Record<string, unknown>> = schema;
export const TASK_SCHEMA_ID = schema.$id;

// verbose: errors carry their schemas, whose alternatives and titles the messages name.
const validate = new Ajv({ verbose: true, strictTypes: false }).compile(schema);

/** The first way `document` differs from the schema: where, and what is wrong. */
export function schemaViolation(document: unknown): SchemaViolation | undefined {
  return validate(document) ? undefined : firstViolation(validate.errors);
}

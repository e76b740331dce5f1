/**
 * A gate's input schema (a JSON Schema of an object, docs/tasks.md "wait_for_input") for people:
 * its properties in short, and an input that the schema takes, for the `resume` command shown.
 */

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  examples?: unknown[];
  minimum?: number;
  minLength?: number;
}

const asSchema = (value: unknown): Schema => (typeof value === 'object' && value !== null ? value : {});

const typeOf = (schema: Schema): string | undefined => (Array.isArray(schema.type) ? schema.type[0] : schema.type);

/** `approved: boolean (required); note: string`: each property, its type, and whether it is required. */
export function schemaSummary(value: unknown): string {
  const schema = asSchema(value);
  const required = new Set(schema.required ?? []);
  const names = [...new Set([...required, ...Object.keys(schema.properties ?? {})])];
  if (names.length === 0) return 'any JSON object';
  return names
    .map((name) => `${name}: ${describe(asSchema(schema.properties?.[name]))}${required.has(name) ? ' (required)' : ''}`)
    .join('; ');
}

function describe(schema: Schema): string {
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((option) => JSON.stringify(option)).join(' | ');
  const types = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
  if (types.length === 0) return 'any';
  return types.map((type) => (type === 'array' && schema.items ? `array of ${describe(asSchema(schema.items))}` : type)).join(' | ');
}

/** An input with each required key and a value of its type: the schema's own default, const, enum or example first. */
export function exampleInput(value: unknown): Record<string, unknown> {
  const schema = asSchema(value);
  return Object.fromEntries((schema.required ?? []).map((name) => [name, sample(asSchema(schema.properties?.[name]))]));
}

function sample(schema: Schema): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.examples?.length) return schema.examples[0];
  switch (typeOf(schema)) {
    case 'boolean':
      return true;
    case 'integer':
      return Math.ceil(Math.max(schema.minimum ?? 1, 1));
    case 'number':
      return Math.max(schema.minimum ?? 1, 1);
    case 'string':
      return 'text'.padEnd(schema.minLength ?? 0, '.');
    case 'array':
      return [];
    case 'object':
      return exampleInput(schema);
    default:
      return null;
  }
}

/** `{"approved": true}`: JSON as people write it on a command line, a space after each colon and comma. */
export function inlineJson(input: Record<string, unknown>): string {
  return `{${Object.entries(input)
    .map(([key, entry]) => `${JSON.stringify(key)}: ${JSON.stringify(entry)}`)
    .join(', ')}}`;
}

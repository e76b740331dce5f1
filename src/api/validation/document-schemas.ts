/**
 * The schemas of the OpenAPI document the API serves, compiled by ajv: the API checks requests
 * with them and the tests check answers with them, so neither can drift from the document.
 * OpenAPI 3.0 schemas are a dialect of JSON Schema draft 4/7 that ajv reads as they are: it knows
 * `nullable`, ajv-formats knows `int64` and `binary`, and keywords of OpenAPI alone (`example`,
 * `x-…`) are ignored (strict off).
 */
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** The document's key in ajv: its own `#/components/schemas/…` references resolve within it. */
const DOCUMENT = 'openapi';

export type SchemaValidator = ValidateFunction;

export interface DocumentSchemas {
  /** The schema at a JSON pointer into the document, e.g. `/components/schemas/RunLog`. */
  at(pointer: string): SchemaValidator;
  component(name: string): SchemaValidator;
}

export function compileDocumentSchemas(document: object): DocumentSchemas {
  // verbose: errors carry the value they are about, for messages such as "…, not "SLEEPING"".
  const ajv = new Ajv({ strict: false, verbose: true });
  addFormats(ajv);
  // Not itself a JSON schema (paths, info…): only the schemas pointed into are compiled.
  ajv.addSchema(document, DOCUMENT, undefined, false);
  const at = (pointer: string): SchemaValidator => {
    const validate = ajv.getSchema(`${DOCUMENT}#${pointer}`);
    if (!validate) throw new Error(`OpenAPI document: no schema at ${pointer}`);
    return validate;
  };
  return { at, component: (name) => at(`/components/schemas/${name}`) };
}

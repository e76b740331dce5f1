/**
 * The JSON Schemas a task definition brings (its parameters, its gates' inputs), compiled by ajv
 * in strict mode, so that a misspelt keyword (`requried`) or an unknown format is refused at
 * submission instead of silently checking nothing. One ajv per submission: it compiles a schema
 * given twice once, and schemas (and their `$id`s) of one submission never meet another's.
 */
import Ajv, { type Options } from 'ajv';
import addFormats from 'ajv-formats';

export function userSchemaCompiler(options: Options = {}): Ajv {
  const ajv = new Ajv({ strict: true, strictTypes: false, strictTuples: false, verbose: true, ...options });
  addFormats(ajv);
  return ajv;
}

/**
 * The JSON Schemas a task definition brings (its parameters, its gates' inputs), compiled by ajv
 * in strict mode, so that a misspelt keyword (`requried`) or an unknown format is refused at
 * submission instead of silently checking nothing. One ajv per submission: it compiles a schema
 * given twice once, and schemas (and their `$id`s) of one submission never meet another's.
 *
 * Their patterns (`pattern`, `patternProperties`, `format: regex`) are the submitter's: they run on
 * RE2, whose time is linear in the text whatever the pattern, not on JavaScript's backtracking
 * RegExp (`^(a+)+$` against 33 characters would hold the API for minutes). A pattern RE2 cannot
 * run (lookaround, backreferences) does not compile: the definition is refused, naming its key.
 */
import Ajv, { type Options } from 'ajv';
import addFormats from 'ajv-formats';
import { RE2JS } from 're2js';
import type { KeyPath } from '../../domain/key-path';

/** ajv's regex engine hook, by the public type of its options. */
type RegExpEngine = NonNullable<NonNullable<Options['code']>['regExp']>;

/** An ECMA-262 pattern as RE2 runs it; JSON Schema's `pattern` matches anywhere in the text, as `find` does. */
function re2(pattern: string): { test: (text: string) => boolean } {
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern);
  } catch (error) {
    throw new Error(
      `pattern ${JSON.stringify(pattern)} is not one RE2 runs (no lookaround, no backreferences): ${(error as Error).message}`,
    );
  }
  return { test: (text) => compiled.matcher(text).find() };
}

const re2Engine: RegExpEngine = Object.assign((pattern: string) => re2(pattern), { code: 're2' });

const isRe2Pattern = (text: string): boolean => {
  try {
    re2(text);
    return true;
  } catch {
    return false;
  }
};

/** Values that are data, not schemas: a `pattern` key inside them is no pattern. */
const DATA_KEYWORDS = new Set(['const', 'enum', 'default', 'examples']);

/**
 * The first pattern of `schema` that RE2 cannot run, with where it is. ajv compiles only the
 * patterns it needs (not a `patternProperties` key whose schema is `{}`), yet every one may be
 * run, by the task's gate in the workflow: each is checked here.
 */
export function unrunnablePattern(schema: unknown, at: KeyPath = []): { at: KeyPath; problem: string } | undefined {
  if (Array.isArray(schema)) return schema.map((item, index) => unrunnablePattern(item, [...at, index])).find(Boolean);
  if (schema === null || typeof schema !== 'object') return undefined;
  for (const [key, value] of Object.entries(schema) as Array<[string, unknown]>) {
    if (DATA_KEYWORDS.has(key)) continue;
    const patterns =
      key === 'pattern' && typeof value === 'string'
        ? [value]
        : key === 'patternProperties' && value && typeof value === 'object'
          ? Object.keys(value)
          : [];
    for (const pattern of patterns) {
      try {
        re2(pattern);
      } catch (error) {
        return { at: [...at, key], problem: (error as Error).message };
      }
    }
    const inner = unrunnablePattern(value, [...at, key]);
    if (inner) return inner;
  }
  return undefined;
}

export function userSchemaCompiler(options: Options = {}): Ajv {
  const ajv = new Ajv({ strict: true, strictTypes: false, strictTuples: false, verbose: true, ...options, code: { regExp: re2Engine } });
  addFormats(ajv);
  // A value of `format: regex` is a pattern too: one that RE2 runs is a regex here.
  ajv.addFormat('regex', isRe2Pattern);
  return ajv;
}

/**
 * JSON that keeps every number exactly, from a request to the engine and from the engine's
 * outputs back to the client (docs/formats.md, "Numbers"). A number a double holds exactly is a
 * plain JS number, so code that reads values is unchanged; any other (4200000000000000000000000000000000000000000,
 * 9007199254740993, 0.1000000000000000055511151231257827) is a lossless-json `LosslessNumber`,
 * which keeps the digits as written and is written back as them. Text and values that hold no
 * such number go through the built-in JSON, byte for byte as before.
 */
import { isLosslessNumber, isSafeNumber, LosslessNumber, parse, stringify } from 'lossless-json';
import type { KeyPath } from './key-path';

export { isLosslessNumber, LosslessNumber };

/**
 * Text in which a number may be one a double cannot hold: one needs 16 or more significant digits,
 * or an exponent of two digits or more (1e16, 1e400). Conservative: a string of digits matches
 * too, and is then parsed the slow way with the same result.
 */
const MAYBE_INEXACT = /[\d.]{16}|[eE][+-]?\d\d/;

const keepInexact = (text: string): number | LosslessNumber => (isSafeNumber(text) ? Number(text) : new LosslessNumber(text));

/** JSON.parse, but numbers a double cannot hold stay LosslessNumbers; a key given twice keeps its last value, as JSON.parse does. */
export function parseExactJson(text: string): unknown {
  if (!MAYBE_INEXACT.test(text)) return JSON.parse(text);
  return parse(text, null, { parseNumber: keepInexact, onDuplicateKey: ({ newValue }) => newValue });
}

/** Thrown to stop JSON.stringify at the first LosslessNumber; made once, as it is thrown for nothing but that. */
const FOUND = new Error('a LosslessNumber');

/** JSON.stringify, but LosslessNumbers are written as their digits; `replacer` as JSON.stringify's, without `this`. */
export function stringifyExactJson(value: unknown, space?: number, replacer?: (key: string, value: unknown) => unknown): string {
  const refuseLossless = (key: string, item: unknown): unknown => {
    const replaced = replacer ? replacer(key, item) : item;
    if (isLosslessNumber(replaced)) throw FOUND;
    return replaced;
  };
  try {
    return JSON.stringify(value, refuseLossless, space);
  } catch (err) {
    if (err !== FOUND) throw err;
    // A value holding a LosslessNumber always has a text: String() only tells TypeScript so.
    return String(stringify(value, replacer, space));
  }
}

/** Where `value` holds a number only a LosslessNumber keeps (the first one met), or undefined. */
export function inexactNumberAt(value: unknown, at: KeyPath = []): KeyPath | undefined {
  if (isLosslessNumber(value)) return at;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
    const found = inexactNumberAt(item, [...at, key]);
    if (found) return found;
  }
  return undefined;
}

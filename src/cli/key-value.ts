/**
 * Repeatable `key=value` options, gathered into one object. Tags take `key=value` and `key:value`
 * alike (README, "CLI"): the key ends at the first `=` or `:`, so it holds neither, and the value
 * is the rest, which may hold both (`--tag src=http://x` is src → http://x).
 */
import { InvalidArgumentError } from 'commander';

/** `[key, value]`, split at the first of `separators`; the key must not be empty. */
export function splitKeyValue(text: string, separators: readonly string[]): [string, string] {
  const at = Math.min(...separators.map((separator) => text.indexOf(separator)).filter((index) => index >= 0));
  const expected = separators.map((separator) => `key${separator}value`).join(' or ');
  if (!Number.isFinite(at) || at === 0) throw new InvalidArgumentError(`expected ${expected}, got ${JSON.stringify(text)}`);
  return [text.slice(0, at), text.slice(at + 1)];
}

/** A commander argParser gathering `key<separator>value` options into an object; a later key wins. */
export function collectKeyValue(separators: readonly string[]) {
  return (text: string, previous: Record<string, string>): Record<string, string> => {
    const [key, value] = splitKeyValue(text, separators);
    return { ...previous, [key]: value };
  };
}

/** The separators of a tag. */
export const TAG_SEPARATORS = ['=', ':'] as const;

/** Repeatable `key<separator>value` options (`--tag a=b --tag c=d`), gathered into one object. */
import { InvalidArgumentError } from 'commander';

export function collectKeyValue(separator: string) {
  return (value: string, previous: Record<string, string>): Record<string, string> => {
    const at = value.indexOf(separator);
    if (at <= 0) throw new InvalidArgumentError(`expected key${separator}value, got ${JSON.stringify(value)}`);
    return { ...previous, [value.slice(0, at)]: value.slice(at + separator.length) };
  };
}

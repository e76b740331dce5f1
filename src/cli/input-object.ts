/**
 * The object `resume --input` takes: JSON or YAML, written inline or in a file. A file that exists
 * is read; anything else is the input itself. JSON is read exactly (big numbers kept, as the API
 * reads them); what is not JSON is read as YAML, of which JSON is a part.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { parse } from 'yaml';
import { parseExactJson } from '../../domain/exact-json';
import { CliError, EXIT } from './exit-codes';

export function readInputObject(input: string): Record<string, unknown> {
  const file = existsSync(input) && statSync(input).isFile();
  const text = file ? readFileSync(input, 'utf8') : input;
  const where = file ? `--input ${input}` : '--input';
  let value: unknown;
  try {
    value = parseExactJson(text);
  } catch {
    try {
      value = parse(text);
    } catch (error) {
      throw new CliError(`${where}: neither JSON nor YAML: ${(error as Error).message}`, EXIT.usage);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new CliError(
      file ? `${where}: the file must hold an object` : `--input ${input}: neither an object (JSON or YAML) nor a file`,
      EXIT.usage,
    );
  return value as Record<string, unknown>;
}

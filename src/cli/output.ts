/** What commands print: JSON for scripts (`--json`), aligned tables and lines for people. */
import { stringifyExactJson } from '../../domain/exact-json';

export function printJson(value: unknown): void {
  process.stdout.write(`${stringifyExactJson(value, 2)}\n`);
}

/** One JSON document per line, for events that come one by one (`--follow --json`). */
export function printJsonLine(value: unknown): void {
  process.stdout.write(`${stringifyExactJson(value)}\n`);
}

/** Columns padded to their widest cell; the last one is not padded. */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  for (const row of [header, ...rows]) {
    const cells = row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column])));
    process.stdout.write(`${cells.join('  ').trimEnd()}\n`);
  }
}

/** Tags as `key=value` pairs, for a table cell. */
export function formatTags(tags: Record<string, string> | undefined): string {
  return Object.entries(tags ?? {})
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

/**
 * A failure, on stderr: `durable-wes: msg` for people; for scripts (--json), one JSON object,
 * `{"error": {"msg", "exit_code", "status_code"}}`, `status_code` only when the API answered.
 */
export function printError(msg: string, exitCode: number, statusCode: number | undefined, json: boolean): void {
  if (!json) {
    process.stderr.write(`durable-wes: ${msg}\n`);
    return;
  }
  const error = { msg, exit_code: exitCode, ...(statusCode === undefined ? {} : { status_code: statusCode }) };
  process.stderr.write(`${JSON.stringify({ error })}\n`);
}

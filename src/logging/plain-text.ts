/**
 * pino's lines made readable on a terminal: `12:00:00.123 INFO  worker: message key=value`.
 * pino-pretty would do it, but it is not a dependency, and these few lines are all a terminal needs.
 */
import type { DestinationStream } from 'pino';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** Said by the line's layout already, or noise on a terminal. */
const SHOWN_APART = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg']);

/** A name or message as written: nothing for none, JSON for anything but a string. */
const text = (value: unknown): string =>
  typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value);

export function formatLine(line: string): string {
  const { level, time, name, msg, ...rest } = JSON.parse(line) as Record<string, unknown>;
  const fields = Object.entries(rest)
    .filter(([key]) => !SHOWN_APART.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const clock = new Date(time as number).toISOString().slice(11, 23);
  return `${clock} ${(LEVELS[level as number] ?? String(level)).padEnd(5)} ${text(name)}: ${text(msg)}${fields.length > 0 ? ` ${fields.join(' ')}` : ''}\n`;
}

export function plainTextStream(out: NodeJS.WriteStream): DestinationStream {
  return { write: (line: string) => out.write(formatLine(line)) };
}

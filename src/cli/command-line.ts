/**
 * A `durable-wes` command to show a user (how to resume or cancel a run), ready to paste into a
 * shell: quoted, and naming the server when neither the default nor DURABLE_WES_URL would find it.
 * Never the token: it is the user's to give.
 */
import { DEFAULT_URL, type ApiClient } from './api-client';

export type CommandLine = (...args: string[]) => string;

/** A word as a POSIX shell reads it back: bare when it can be, else in single quotes. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

export function commandLine(api: ApiClient): CommandLine {
  const found = [DEFAULT_URL, process.env.DURABLE_WES_URL].map((url) => url?.replace(/\/+$/, ''));
  const server = found.includes(api.baseUrl) ? [] : ['--url', api.baseUrl];
  return (...args) => ['durable-wes', ...server, ...args].map(shellQuote).join(' ');
}

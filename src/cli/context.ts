/** What every command gets from the program's global options. */
import type { Command } from 'commander';
import { ApiClient } from './api-client';

export interface Context {
  api: ApiClient;
  json: boolean;
}

export interface GlobalOptions {
  url: string;
  token?: string;
  json?: boolean;
}

export function contextOf(command: Command): Context {
  const { url, token, json } = command.optsWithGlobals<GlobalOptions>();
  return { api: new ApiClient({ url, token }), json: json === true };
}

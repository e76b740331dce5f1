/** What every command gets from the program's global options. */
import type { Command } from 'commander';
import { ApiClient } from './api-client';
import { CliError, EXIT } from './exit-codes';

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
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
    throw new CliError(`--url ${url}: not an http(s) URL (it comes from --url or DURABLE_WES_URL)`, EXIT.usage);
  return { api: new ApiClient({ url, token }), json: json === true };
}

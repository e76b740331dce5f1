/**
 * The WES API as the CLI calls it: JSON in and out, a bearer token when given, and every failure a
 * CliError carrying the API's own `msg` and the exit code it stands for.
 */
import { parseExactJson, stringifyExactJson } from '../../domain/exact-json';
import type { components } from '../../spec/wes-api';
import type { Transition as StoredTransition } from '../../domain/run-types';
import { CliError, EXIT, exitCodeOfStatus } from './exit-codes';

type Schemas = components['schemas'];
export type RunLog = Schemas['RunLog'] & { temporal_ui_url?: string; transitions_url?: string };
export type RunStatus = Schemas['RunStatus'];
export type RunSummary = Schemas['RunSummary'];
/** A transition as GET /runs/{id}/transitions gives it: with the WES state it led to. */
export type Transition = StoredTransition & { wes_state: string };
/** WES lets a list hold bare statuses; this service's hold summaries. */
export type RunListResponse = Omit<Schemas['RunListResponse'], 'runs'> & { runs?: RunSummary[]; total_runs?: number };

export const DEFAULT_URL = 'http://127.0.0.1:8080/ga4gh/wes/v1';

export interface ApiOptions {
  url: string;
  token?: string;
}

export class ApiClient {
  readonly baseUrl: string;

  constructor(private readonly options: ApiOptions) {
    this.baseUrl = options.url.replace(/\/+$/, '');
  }

  /** The absolute URL of an API path (e.g. `/runs`), or `path` itself when it is absolute. */
  url(path: string): string {
    return /^https?:\/\//i.test(path) ? path : `${this.baseUrl}${path}`;
  }

  /** The token goes only to this API's own origin, not to where an output's URL may point. */
  private headers(url: string, extra: Record<string, string> = {}): Record<string, string> {
    const ours = new URL(url).origin === new URL(this.baseUrl).origin;
    return { ...(ours && this.options.token ? { Authorization: `Bearer ${this.options.token}` } : {}), ...extra };
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const init: RequestInit = { method };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) init.body = stringifyExactJson(body);
    const headers: Record<string, string> = { Accept: 'application/json' };
    // A form sets its own type, with its boundary.
    if (body !== undefined && !(body instanceof FormData)) headers['Content-Type'] = 'application/json';
    const response = await this.fetch(path, init, headers);
    return parseExactJson(await response.text()) as T;
  }

  /** A successful response, its body unread; an error answer is thrown as its `msg`. */
  async fetch(path: string, init: RequestInit = {}, headers: Record<string, string> = {}): Promise<Response> {
    const url = this.url(path);
    let response: Response;
    try {
      response = await fetch(url, { ...init, headers: this.headers(url, headers) });
    } catch (error) {
      throw unreachable(url, init.method ?? 'GET', this.baseUrl, error);
    }
    if (!response.ok) throw await apiError(response);
    return response;
  }
}

/**
 * A request that got no answer. When it went to this API, the message says which URL was tried and
 * how to change it, since a wrong or missing server is the usual cause.
 */
function unreachable(url: string, method: string, baseUrl: string, error: unknown): CliError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  if (new URL(url).origin !== new URL(baseUrl).origin) return new CliError(`${method} ${url} failed: ${reason}`, EXIT.server);
  return new CliError(
    `cannot reach the WES API at ${baseUrl} (${reason}): is the server running (npm start)? Change it with --url or DURABLE_WES_URL`,
    EXIT.server,
  );
}

/** The API's ErrorResponse `msg` when it sent one, else the status and what it said. */
async function apiError(response: Response): Promise<CliError> {
  const text = await response.text().catch(() => '');
  let msg: string | undefined;
  try {
    msg = (JSON.parse(text) as { msg?: unknown }).msg as string | undefined;
  } catch {
    // Not an ErrorResponse: a proxy's page, or another server.
  }
  return new CliError(
    `${response.status}: ${typeof msg === 'string' ? msg : text.slice(0, 200) || response.statusText}`,
    exitCodeOfStatus(response.status),
    response.status,
  );
}

/**
 * Runs workflows on a remote GA4GH WES 1.1 server (federation: one durable-wes may run its
 * workflows through another, or through any WES implementation).
 *
 * Work dir layout:
 *   staging/attachments/  sent, every regular file, as `workflow_attachment` parts named by their
 *                         relative path (the API stages a request's attachments there)
 *   wes-remote.json       the submission record (kept after cleanup: it names the remote run)
 *
 * Idempotent submission, for remotes that may not support it:
 *   1. the POST carries `Idempotency-Key: <runId>` (durable-wes honours it);
 *   2. the record is written before the POST (an attempt is about to post) and again right after
 *      it returns (the remote run id); a recorded id is returned without posting again;
 *   3. the remote run is tagged `durable_wes_run_id: <runId>`. When the record shows an attempt
 *      that may have posted but never recorded an id (a crash, a timeout, a lost response), the
 *      remote runs are searched for that tag before posting again: GET /runs?tag=... (the filter
 *      durable-wes supports), checking each run's tags itself (from the list when it gives them,
 *      else from GET /runs/{id}), since a server may ignore the filter. The search is bounded.
 *   A first attempt (no record at all) posts at once: nothing can have been posted for the run.
 *
 * Errors: 401/403 and other 4xx answers are ProviderRejectedError (retrying cannot help);
 * 5xx, network errors, timeouts and unreadable 2xx bodies are plain errors (retried).
 */
import { openAsBlob } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { InvalidRunRequestError, ProviderRejectedError } from '../errors';
import { WES_STATES } from '../../workflows/wes-state';
import type { OperationContext, Provider, ProviderCapabilities } from '../provider';
import { PROVIDER_TAG } from '../provider-registry';
import { STAGING_DIR, readJsonIfExists, writeFileAtomic } from '../work-dir';
import type {
  ProviderRun,
  ProviderState,
  ProviderStatus,
  ResumeInput,
  RunLog,
  RunResults,
  WesRunRequest,
} from '../../workflows/run-types';

export interface WesProviderSettings {
  /** The remote's WES base URL, e.g. http://127.0.0.1:8080/ga4gh/wes/v1. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** How often the poll activity asks for status (default 5000). */
  pollIntervalMs?: number;
  /** The limit of one HTTP request, response body included (default 30000). */
  requestTimeoutMs?: number;
  /** How many pages of GET /runs the search for an unrecorded submission reads (default 10). */
  recoveryMaxPages?: number;
  /** How many runs that search looks at, at most (default 1000). */
  recoveryMaxRuns?: number;
}

/** The tag that names the durable-wes run a remote run was submitted for. */
export const RUN_ID_TAG = 'durable_wes_run_id';
/** The submission record in a run's work dir. */
export const REMOTE_RECORD_FILE = 'wes-remote.json';
/**
 * Tags that mean something to this durable-wes only, never forwarded: the provider choice names a
 * provider of ours, and approval was already given here (forwarded, the remote would hold again).
 */
const LOCAL_TAGS = [PROVIDER_TAG, 'wes_require_approval'];

const ATTACHMENTS_DIR = path.join(STAGING_DIR, 'attachments');
const LIST_PAGE_SIZE = 100;
const LOOKUP_CONCURRENCY = 4;
const DETAIL_LINES = 10;
/** service-info is asked at API start-up: an unreachable remote must not hold that up for long. */
const CAPABILITIES_TIMEOUT_MS = 5000;
/** Beyond this, a log the remote gives inline (not as a URL) is cut to its tail. */
const INLINE_LOG_MAX_CHARS = 16_384;

/** Every WES state but CANCELING, which our workflow tracks itself. */
const PASSED_THROUGH = WES_STATES.filter((state): state is ProviderState => state !== 'CANCELING');

interface RemoteRecord {
  baseUrl: string;
  /** POSTs started for this run; one that started may have created a remote run. */
  postAttempts: number;
  lastPostAt?: string;
  remoteRunId?: string;
  recordedAt?: string;
  /** How the id was found: the POST's answer, or the search by tag. */
  foundBy?: 'post' | 'tag-search';
}

interface Response {
  status: number;
  url: string;
  body: unknown;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/** Duck-typed, not instanceof: fetch's errors may come from another realm (e.g. under jest). */
function errorLike(value: unknown): value is { name?: unknown; message: string; code?: unknown; cause?: unknown } {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string';
}

function describe(err: unknown): string {
  if (!errorLike(err)) return String(err);
  if (err.name === 'TimeoutError') return 'timed out';
  // fetch's "fetch failed" hides the reason (ECONNREFUSED, ...) in its cause.
  const cause = err.cause;
  if (!errorLike(cause)) return err.message;
  const code = typeof cause.code === 'string' && !cause.message.includes(cause.code) ? ` (${cause.code})` : '';
  return `${err.message}: ${cause.message || String(cause.code ?? 'unknown cause')}${code}`;
}

function isUrl(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value.trim());
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
}

function tailLines(text: string, lines: number): string {
  return stripAnsi(text).trimEnd().split('\n').slice(-lines).join('\n');
}

/** A log the remote gave: a URL as it is, inline text cut to its tail. */
function logRef(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  if (isUrl(value) || value.length <= INLINE_LOG_MAX_CHARS) return value;
  return `[first ${value.length - INLINE_LOG_MAX_CHARS} characters cut]\n${value.slice(-INLINE_LOG_MAX_CHARS)}`;
}

/** The message of an error answer: WES's ErrorResponse `msg`, problem+json's `detail`, or the text. */
function errorMessage(body: unknown): string {
  if (isObject(body)) {
    for (const key of ['msg', 'detail', 'message', 'title']) {
      if (nonEmptyString(body[key])) return body[key] as string;
    }
    return JSON.stringify(body);
  }
  const text = typeof body === 'string' ? body.trim() : '';
  return text === '' ? '(no message)' : text.slice(0, 500);
}

/** The files under a directory, as sorted `/`-separated relative paths; symlinks are never followed. */
async function listFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && prefix === '') return;
      throw err;
    }
    for (const entry of entries) {
      const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) await walk(path.join(dir, entry.name), rel);
      else if (entry.isFile()) found.push(rel);
      // Symlinks and special files are not sent: an attachment must not reach outside the run.
    }
  };
  await walk(root, '');
  return found.sort();
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return value === '' ? [] : [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string' && item !== '') : [];
}

/**
 * Capabilities from a remote's service-info: WES 1.1 nests versions in objects
 * ({CWL: {workflow_type_version: [...]}}); WES 1.0 servers (wes-service) may give a bare string.
 */
function parseServiceInfo(info: Json): ProviderCapabilities {
  const versions = (record: unknown, key: string): Record<string, string[]> => {
    const result: Record<string, string[]> = {};
    if (!isObject(record)) return result;
    for (const [name, value] of Object.entries(record)) result[name] = strings(isObject(value) ? value[key] : value);
    return result;
  };
  return {
    workflowTypeVersions: versions(info.workflow_type_versions, 'workflow_type_version'),
    engineVersions: versions(info.workflow_engine_versions, 'workflow_engine_version'),
    filesystemProtocols: strings(info.supported_filesystem_protocols),
  };
}

/** Runs `task` on every item, `limit` at a time; the first `true` stops the others from starting. */
async function findFirst<T>(items: T[], limit: number, task: (item: T) => Promise<boolean>): Promise<T | undefined> {
  let next = 0;
  let found: T | undefined;
  const worker = async (): Promise<void> => {
    while (found === undefined && next < items.length) {
      const item = items[next++];
      if (await task(item)) found ??= item;
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return found;
}

/**
 * WES 1.1 outputs are an object; some servers (sapporo) answer a list of `{file_name, file_url}`,
 * which becomes an object of CWL-style File entries keyed by file name.
 */
function outputsOf(outputs: unknown): Record<string, unknown> {
  if (isObject(outputs)) return outputs;
  if (!Array.isArray(outputs)) return {};
  const files = outputs.filter(
    (item): item is { file_name: string; file_url: string } =>
      isObject(item) && typeof item.file_name === 'string' && typeof item.file_url === 'string',
  );
  return Object.fromEntries(
    files.map(({ file_name, file_url }) => [file_name, { class: 'File', location: file_url, basename: path.posix.basename(file_name) }]),
  );
}

export class WesProvider implements Provider {
  readonly kind = 'wes';
  readonly pollIntervalMs: number;
  readonly baseUrl: string;
  private readonly token?: string;
  private readonly requestTimeoutMs: number;
  private readonly recoveryMaxPages: number;
  private readonly recoveryMaxRuns: number;

  constructor(settings: WesProviderSettings) {
    let url: URL;
    try {
      url = new URL(settings.baseUrl);
    } catch {
      throw new Error(`wes provider: baseUrl is not a URL: ${JSON.stringify(settings.baseUrl)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(`wes provider: baseUrl must be http(s): ${settings.baseUrl}`);
    }
    this.baseUrl = settings.baseUrl.replace(/\/+$/, '');
    this.token = settings.token;
    this.pollIntervalMs = settings.pollIntervalMs ?? 5000;
    this.requestTimeoutMs = settings.requestTimeoutMs ?? 30_000;
    this.recoveryMaxPages = settings.recoveryMaxPages ?? 10;
    this.recoveryMaxRuns = settings.recoveryMaxRuns ?? 1000;
  }

  /** Asked once it has answered: what the remote's service-info says it runs. */
  private capabilitiesFound?: ProviderCapabilities;

  async capabilities(): Promise<ProviderCapabilities> {
    if (this.capabilitiesFound) return this.capabilitiesFound;
    try {
      const response = await this.request('GET', '/service-info', {}, Math.min(this.requestTimeoutMs, CAPABILITIES_TIMEOUT_MS));
      if (response.status >= 400 || !isObject(response.body)) throw new Error(`${response.status} from ${response.url}`);
      this.capabilitiesFound = parseServiceInfo(response.body);
      return this.capabilitiesFound;
    } catch {
      // Unreachable for now: it advertises nothing, and is asked again next time.
      return { workflowTypeVersions: {}, engineVersions: {}, filesystemProtocols: [] };
    }
  }

  validate(request: WesRunRequest): void {
    for (const field of ['workflow_type', 'workflow_type_version', 'workflow_url'] as const) {
      if (!nonEmptyString(request[field])) throw new InvalidRunRequestError(`wes: ${field} is required`);
    }
  }

  async prepare(run: ProviderRun, _context: OperationContext): Promise<void> {
    // Attachments are sent from where the API staged them; the remote checks the rest.
    this.validate(run.request);
  }

  async submit(run: ProviderRun): Promise<string> {
    const recordFile = path.join(run.workDir, REMOTE_RECORD_FILE);
    const record = await readJsonIfExists<RemoteRecord>(recordFile);
    if (record?.remoteRunId) return record.remoteRunId;
    this.validate(run.request);

    if (record !== undefined && record.postAttempts > 0) {
      // An earlier attempt may have created the remote run and died before recording it.
      const found = await this.findTaggedRun(run.runId);
      if (found !== undefined) {
        await writeFileAtomic(recordFile, JSON.stringify({ ...record, remoteRunId: found, recordedAt: new Date().toISOString(), foundBy: 'tag-search' } satisfies RemoteRecord));
        return found;
      }
    }

    const form = await this.runForm(run);
    const attempt: RemoteRecord = {
      baseUrl: this.baseUrl,
      postAttempts: (record?.postAttempts ?? 0) + 1,
      lastPostAt: new Date().toISOString(),
    };
    await writeFileAtomic(recordFile, JSON.stringify(attempt));

    const response = await this.request('POST', '/runs', { body: form, headers: { 'Idempotency-Key': run.runId } });
    if (response.status >= 400) this.reject('submit', response);
    const remoteRunId = isObject(response.body) ? response.body.run_id : undefined;
    if (!nonEmptyString(remoteRunId)) {
      throw new Error(`wes: POST ${response.url} answered without a run_id: ${JSON.stringify(response.body).slice(0, 200)}`);
    }
    await writeFileAtomic(recordFile, JSON.stringify({ ...attempt, remoteRunId, recordedAt: new Date().toISOString(), foundBy: 'post' } satisfies RemoteRecord));
    return remoteRunId;
  }

  async status(run: ProviderRun): Promise<ProviderStatus> {
    const id = await this.remoteRunId(run);
    if (id === undefined) return { state: 'QUEUED' };
    const response = await this.request('GET', `/runs/${encodeURIComponent(id)}/status`);
    if (response.status === 404) {
      return { state: 'SYSTEM_ERROR', detail: `the remote WES no longer knows run ${id} (404 from ${response.url}): ${errorMessage(response.body)}` };
    }
    if (response.status >= 400) this.reject('status', response);
    const remoteState = isObject(response.body) ? response.body.state : undefined;
    if (!nonEmptyString(remoteState)) {
      throw new Error(`wes: GET ${response.url} answered without a state: ${JSON.stringify(response.body).slice(0, 200)}`);
    }
    const state = remoteState.toUpperCase();
    // Our workflow tracks canceling itself: to it, a remote run being cancelled still runs.
    if (state === 'CANCELING') return { state: 'RUNNING', detail: `remote run ${id} is CANCELING` };
    if (!(PASSED_THROUGH as readonly string[]).includes(state)) {
      return { state: 'UNKNOWN', detail: `remote run ${id} reports a state WES does not define: ${remoteState}` };
    }
    if (state === 'EXECUTOR_ERROR' || state === 'SYSTEM_ERROR') {
      return { state: state as ProviderState, detail: await this.failureDetail(id, state) };
    }
    return { state: state as ProviderState };
  }

  async cancel(run: ProviderRun): Promise<void> {
    const id = await this.remoteRunId(run);
    if (id === undefined) return;
    const response = await this.request('POST', `/runs/${encodeURIComponent(id)}/cancel`);
    // Unknown to the remote, or already ended: either way the run is left as it is.
    if (response.status === 404 || response.status === 409) return;
    if (response.status >= 400) this.reject('cancel', response);
  }

  async resume(run: ProviderRun, input: ResumeInput): Promise<void> {
    const id = await this.remoteRunId(run);
    if (id === undefined) throw new ProviderRejectedError(`wes: run ${run.runId} was never submitted to ${this.baseUrl}`);
    const response = await this.request('POST', `/runs/${encodeURIComponent(id)}/resume`, {
      body: JSON.stringify(input),
      headers: { 'Content-Type': 'application/json' },
    });
    if ([404, 405, 501].includes(response.status)) {
      throw new ProviderRejectedError(
        `wes: remote does not support resume (${response.status} from POST ${response.url}): ${errorMessage(response.body)}`,
      );
    }
    if (response.status >= 400) this.reject('resume', response);
  }

  async results(run: ProviderRun): Promise<RunResults> {
    const id = await this.remoteRunId(run);
    if (id === undefined) return { outputs: {}, log: { name: 'wes', system_logs: [`never submitted to ${this.baseUrl}`] } };
    const runUrl = `${this.baseUrl}/runs/${encodeURIComponent(id)}`;
    const response = await this.request('GET', `/runs/${encodeURIComponent(id)}`);
    if (response.status === 404) {
      return { outputs: {}, log: { name: `wes:${id}`, system_logs: [`remote run: ${runUrl}`, `the remote WES no longer knows the run: ${errorMessage(response.body)}`] } };
    }
    if (response.status >= 400) this.reject('results', response);
    if (!isObject(response.body)) throw new Error(`wes: GET ${response.url} answered with no run log object`);
    const runLog = isObject(response.body.run_log) ? response.body.run_log : {};
    const outputs = outputsOf(response.body.outputs);
    const systemLogs = Array.isArray(runLog.system_logs) ? runLog.system_logs.filter((line): line is string => typeof line === 'string') : [];
    const log: RunLog = {
      name: `wes:${nonEmptyString(runLog.name) ? runLog.name : id}`,
      system_logs: [`remote run: ${runUrl}`, ...systemLogs],
    };
    if (Array.isArray(runLog.cmd)) {
      const cmd = runLog.cmd.filter((part): part is string => typeof part === 'string');
      if (cmd.some((part) => part !== '')) log.cmd = cmd;
    }
    if (nonEmptyString(runLog.start_time)) log.start_time = runLog.start_time;
    if (nonEmptyString(runLog.end_time)) log.end_time = runLog.end_time;
    const stdout = logRef(runLog.stdout);
    if (stdout !== undefined) log.stdout = stdout;
    const stderr = logRef(runLog.stderr);
    if (stderr !== undefined) log.stderr = stderr;
    if (typeof runLog.exit_code === 'number') log.exit_code = runLog.exit_code;
    return { outputs, log };
  }

  async cleanup(_run: ProviderRun): Promise<void> {
    // Remote runs are kept for their logs, and wes-remote.json stays: it names the remote run.
  }

  /** The remote run's id: the one the workflow holds, else the one recorded at submission. */
  private async remoteRunId(run: ProviderRun): Promise<string | undefined> {
    if (nonEmptyString(run.externalId)) return run.externalId;
    const record = await readJsonIfExists<RemoteRecord>(path.join(run.workDir, REMOTE_RECORD_FILE));
    return record?.remoteRunId;
  }

  private async runForm(run: ProviderRun): Promise<FormData> {
    const request = run.request;
    const tags: Record<string, string> = {};
    for (const [key, value] of Object.entries(request.tags ?? {})) {
      if (!LOCAL_TAGS.includes(key)) tags[key] = value;
    }
    tags[RUN_ID_TAG] = run.runId;

    const form = new FormData();
    // Some servers (wes-service) require workflow_params; an empty job order is what none means.
    form.append('workflow_params', JSON.stringify(request.workflow_params ?? {}));
    form.append('workflow_type', request.workflow_type);
    form.append('workflow_type_version', request.workflow_type_version);
    form.append('tags', JSON.stringify(tags));
    if (request.workflow_engine !== undefined) form.append('workflow_engine', request.workflow_engine);
    if (request.workflow_engine_version !== undefined) form.append('workflow_engine_version', request.workflow_engine_version);
    if (request.workflow_engine_parameters !== undefined) {
      form.append('workflow_engine_parameters', JSON.stringify(request.workflow_engine_parameters));
    }
    form.append('workflow_url', request.workflow_url);

    const dir = path.join(run.workDir, ATTACHMENTS_DIR);
    for (const rel of await listFiles(dir)) {
      const file = path.join(dir, ...rel.split('/'));
      // Checked again right before reading: only regular files, never through a symlink.
      if (!(await lstat(file)).isFile()) continue;
      form.append('workflow_attachment', (await openAsBlob(file)) as Blob, rel);
    }
    return form;
  }

  /**
   * The remote run submitted for `runId`, searched by its tag. Bounded: at most recoveryMaxPages
   * pages and recoveryMaxRuns runs; runs whose log cannot be read (an HTTP error) are passed over,
   * and so is the search itself when the remote has no run list.
   */
  private async findTaggedRun(runId: string): Promise<string | undefined> {
    const tag = `${RUN_ID_TAG}:${runId}`;
    let useFilter = true;
    let pageToken: string | undefined;
    let seen = 0;
    let pages = 0;
    while (pages < this.recoveryMaxPages && seen < this.recoveryMaxRuns) {
      const query = new URLSearchParams({ page_size: String(LIST_PAGE_SIZE) });
      if (useFilter) query.set('tag', tag);
      if (pageToken) query.set('page_token', pageToken);
      const response = await this.request('GET', `/runs?${query}`);
      if (response.status === 400 && useFilter && pages === 0) {
        // A server that refuses the unknown filter: list everything instead.
        useFilter = false;
        continue;
      }
      pages++;
      if (response.status === 401 || response.status === 403 || response.status >= 500) this.reject('submit (search by tag)', response);
      // No run list to search (404, 405, ...): the Idempotency-Key is all that is left.
      if (response.status >= 400) return undefined;
      if (!isObject(response.body)) throw new Error(`wes: GET ${response.url} answered with no run list`);
      // WES 1.1 says `runs`; wes-service 5.0 answers `workflows`.
      const listed = response.body.runs ?? response.body.workflows ?? [];
      if (!Array.isArray(listed)) throw new Error(`wes: GET ${response.url} answered with no run list`);
      const candidates: Array<{ id: string; tags?: unknown }> = [];
      for (const entry of listed.slice(0, this.recoveryMaxRuns - seen)) {
        if (isObject(entry) && nonEmptyString(entry.run_id)) candidates.push({ id: entry.run_id, tags: entry.tags });
      }
      seen += candidates.length;
      const match = await findFirst(candidates, LOOKUP_CONCURRENCY, async ({ id, tags }) => {
        if (isObject(tags)) return tags[RUN_ID_TAG] === runId;
        return (await this.runTags(id))?.[RUN_ID_TAG] === runId;
      });
      if (match !== undefined) return match.id;
      pageToken = nonEmptyString(response.body.next_page_token) ? response.body.next_page_token : undefined;
      if (pageToken === undefined) break;
    }
    return undefined;
  }

  /** The tags a remote run was submitted with, from its run log; undefined when unreadable. */
  private async runTags(id: string): Promise<Json | undefined> {
    const response = await this.request('GET', `/runs/${encodeURIComponent(id)}`);
    if (response.status === 401 || response.status === 403) this.reject('submit (search by tag)', response);
    // wes-service answers 500 for runs it lists but cannot read: not ours in any case we can check.
    if (response.status >= 400) return undefined;
    const request = isObject(response.body) ? response.body.request : undefined;
    return isObject(request) && isObject(request.tags) ? request.tags : undefined;
  }

  /** Why a remote run failed, from its run log: exit code, system logs, the tail of inline stderr. */
  private async failureDetail(id: string, state: string): Promise<string> {
    const parts = [`remote run ${id} at ${this.baseUrl} ended ${state}`];
    try {
      const response = await this.request('GET', `/runs/${encodeURIComponent(id)}`);
      if (response.status >= 400) throw new Error(`${response.status}: ${errorMessage(response.body)}`);
      const runLog = isObject(response.body) && isObject(response.body.run_log) ? response.body.run_log : {};
      if (typeof runLog.exit_code === 'number') parts[0] += ` with exit code ${runLog.exit_code}`;
      const systemLogs = Array.isArray(runLog.system_logs) ? runLog.system_logs.filter((line): line is string => typeof line === 'string') : [];
      if (systemLogs.length > 0) parts.push(tailLines(systemLogs.join('\n'), DETAIL_LINES));
      if (nonEmptyString(runLog.stderr)) {
        parts.push(isUrl(runLog.stderr) ? `stderr: ${runLog.stderr.trim()}` : tailLines(runLog.stderr, DETAIL_LINES));
      }
    } catch (err) {
      parts.push(`(its run log could not be read: ${describe(err)})`);
    }
    return parts.join(':\n');
  }

  /** Throws for an error answer: auth and other 4xx are rejections, the rest connection errors. */
  private reject(operation: string, response: Response): never {
    const message = errorMessage(response.body);
    if (response.status === 401 || response.status === 403) {
      throw new ProviderRejectedError(
        `wes ${operation}: the remote refused our authentication (${response.status} from ${response.url}; check the provider's token): ${message}`,
      );
    }
    if (response.status >= 400 && response.status < 500) {
      throw new ProviderRejectedError(`wes ${operation}: the remote rejected the request (${response.status} from ${response.url}): ${message}`);
    }
    throw new Error(`wes ${operation}: ${response.status} from ${response.url}: ${message}`);
  }

  /**
   * One HTTP request. Network errors and timeouts throw plain errors naming the URL; an answer is
   * returned whatever its status, with its body parsed as JSON (an unparsable 2xx body throws).
   */
  private async request(
    method: string,
    pathAndQuery: string,
    init: { body?: FormData | string; headers?: Record<string, string> } = {},
    timeoutMs = this.requestTimeoutMs,
  ): Promise<Response> {
    const url = `${this.baseUrl}${pathAndQuery}`;
    const headers: Record<string, string> = { Accept: 'application/json', ...init.headers };
    if (this.token !== undefined) headers.Authorization = `Bearer ${this.token}`;
    let status: number;
    let text: string;
    try {
      const response = await fetch(url, { method, headers, body: init.body, signal: AbortSignal.timeout(timeoutMs) });
      status = response.status;
      text = await response.text();
    } catch (err) {
      const reason = describe(err);
      throw new Error(`wes: ${method} ${url} failed: ${reason === 'timed out' ? `timed out after ${timeoutMs} ms` : reason}`);
    }
    if (status >= 200 && status < 300) {
      try {
        return { status, url, body: text.trim() === '' ? undefined : JSON.parse(text) };
      } catch (err) {
        throw new Error(`wes: ${method} ${url} answered ${status} with a body that is not JSON (${(err as Error).message}): ${text.slice(0, 200)}`);
      }
    }
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // An error page, not an ErrorResponse: its text is the message.
    }
    return { status, url, body };
  }
}

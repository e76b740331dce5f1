/**
 * Idempotent submission, for remotes that may not support it:
 *   1. the POST carries `Idempotency-Key: <runId>` (durable-wes honours it);
 *   2. the submission record (wes-remote.json in the run's work dir) is written before the POST
 *      (an attempt is about to post) and again right after it returns (the remote run id); a
 *      recorded id is returned without posting again;
 *   3. the remote run is tagged `durable_wes_run_id: <runId>`. When the record shows an attempt
 *      that may have posted but never recorded an id (a crash, a timeout, a lost response), the
 *      remote runs are searched for that tag before posting again: GET /runs?tag=... (the filter
 *      durable-wes supports), checking each run's tags itself (from the list when it gives them,
 *      else from GET /runs/{id}), since a server may ignore the filter. The search is bounded.
 *   A first attempt (no record at all) posts at once: nothing can have been posted for the run.
 */
import path from 'node:path';
import { RUN_ID_TAG } from '../../run-tags';
import { readJsonIfExists, writeFileAtomic } from '../../work-dir';
import type { WesSettings } from './settings';
import type { ProviderRun } from '../../../domain/run-types';
import { answerError, required, runPath, type WesApi } from './client';
import { multipartForm, runFormFields, stagedAttachments } from './request';

/** The submission record in a run's work dir (kept after cleanup: it names the remote run). */
export const SUBMISSION_RECORD_FILE = 'wes-remote.json';

export interface SubmissionRecord {
  baseUrl: string;
  /** POSTs started for this run; one that started may have created a remote run. */
  postAttempts: number;
  lastPostAt?: string;
  remoteRunId?: string;
  recordedAt?: string;
  /** How the id was found: the POST's answer, or the search by tag. */
  foundBy?: 'post' | 'tag-search';
}

const LIST_PAGE_SIZE = 100;
const LOOKUP_CONCURRENCY = 4;

const recordFile = (run: ProviderRun) => path.join(run.workDir, SUBMISSION_RECORD_FILE);

/** The remote run's id as recorded at submission, if it was. */
export async function recordedRemoteRunId(run: ProviderRun): Promise<string | undefined> {
  return (await readJsonIfExists<SubmissionRecord>(recordFile(run)))?.remoteRunId;
}

/** Starts the run at the remote, or finds the one started for it before; returns its id. */
export async function submitOnce(api: WesApi, settings: WesSettings, run: ProviderRun): Promise<string> {
  const file = recordFile(run);
  const record = await readJsonIfExists<SubmissionRecord>(file);
  if (record?.remoteRunId) return record.remoteRunId;
  const recordId = async (attempt: SubmissionRecord, remoteRunId: string, foundBy: SubmissionRecord['foundBy']) => {
    await writeFileAtomic(
      file,
      JSON.stringify({ ...attempt, remoteRunId, recordedAt: new Date().toISOString(), foundBy } satisfies SubmissionRecord),
    );
    return remoteRunId;
  };

  if (record !== undefined && record.postAttempts > 0) {
    // An earlier attempt may have created the remote run and died before recording it.
    const found = await findTaggedRun(api, settings, run.runId);
    if (found !== undefined) return recordId(record, found, 'tag-search');
  }

  const fields = runFormFields(run);
  const attachments = await stagedAttachments(run.workDir);
  const attempt: SubmissionRecord = {
    baseUrl: settings.baseUrl,
    postAttempts: (record?.postAttempts ?? 0) + 1,
    lastPostAt: new Date().toISOString(),
  };
  await writeFileAtomic(file, JSON.stringify(attempt));
  const { data, error, response } = await api.POST('/runs', {
    body: fields,
    bodySerializer: (body) => multipartForm(body, attachments),
    headers: { 'Idempotency-Key': run.runId },
  });
  if (!response.ok) throw answerError('submit', response, error);
  return recordId(attempt, required(data?.run_id, 'a run_id', response, data), 'post');
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
 * The remote run submitted for `runId`, searched by its tag. Bounded: at most recoveryMaxPages
 * pages and recoveryMaxRuns runs; runs whose log cannot be read (an HTTP error) are passed over,
 * and so is the search itself when the remote has no run list.
 */
async function findTaggedRun(api: WesApi, { recoveryMaxPages, recoveryMaxRuns }: WesSettings, runId: string): Promise<string | undefined> {
  const tag = `${RUN_ID_TAG}:${runId}`;
  const isOurs = (tags: unknown) => (tags as Record<string, unknown> | undefined)?.[RUN_ID_TAG] === runId;
  let useFilter = true;
  let pageToken: string | undefined;
  let seen = 0;
  let pages = 0;
  while (pages < recoveryMaxPages && seen < recoveryMaxRuns) {
    const query = { page_size: LIST_PAGE_SIZE, tag: useFilter ? tag : undefined, page_token: pageToken };
    const { data, error, response } = await api.GET('/runs', { params: { query } });
    if (response.status === 400 && useFilter && pages === 0) {
      // A server that refuses the unknown filter: list everything instead.
      useFilter = false;
      continue;
    }
    pages++;
    if (response.status === 401 || response.status === 403 || response.status >= 500)
      throw answerError('submit (search by tag)', response, error);
    // No run list to search (404, 405, ...): the Idempotency-Key is all that is left.
    if (!response.ok) return undefined;
    // WES 1.1 says `runs`; wes-service 5.0 answers `workflows`.
    // A remote may answer anything, JSON null among it, whatever the types say.
    const body: unknown = data;
    const listed =
      typeof body === 'object' && body !== null
        ? ((body as { runs?: unknown }).runs ?? (body as { workflows?: unknown }).workflows ?? [])
        : undefined;
    if (!Array.isArray(listed)) throw new Error(`wes: ${response.url} answered with no run list`);
    const candidates = listed.slice(0, recoveryMaxRuns - seen).filter((entry: unknown): entry is { run_id: string; tags?: unknown } => {
      const runId = (entry as { run_id?: unknown } | null | undefined)?.run_id;
      return typeof runId === 'string' && runId.trim() !== '';
    });
    seen += candidates.length;
    const match = await findFirst(candidates, LOOKUP_CONCURRENCY, async ({ run_id, tags }) =>
      typeof tags === 'object' && tags !== null ? isOurs(tags) : isOurs(await runTags(api, run_id)),
    );
    if (match !== undefined) return match.run_id;
    pageToken = typeof data?.next_page_token === 'string' && data.next_page_token.trim() !== '' ? data.next_page_token : undefined;
    if (pageToken === undefined) break;
  }
  return undefined;
}

/** The tags a remote run was submitted with, from its run log; undefined when unreadable. */
async function runTags(api: WesApi, id: string): Promise<unknown> {
  const { data, error, response } = await api.GET('/runs/{run_id}', runPath(id));
  if (response.status === 401 || response.status === 403) throw answerError('submit (search by tag)', response, error);
  // wes-service answers 500 for runs it lists but cannot read: not ours in any case we can check.
  return response.ok ? data?.request?.tags : undefined;
}

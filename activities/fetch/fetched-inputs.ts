/**
 * A run's http(s) inputs, downloaded by the worker into the run's own directory before its engine
 * starts, so that the engine is handed files and never needs the network (docs/design.md,
 * "Inputs fetched by the service"). Layout: `staging/fetched/<hash of the URL>/<its file name>`.
 * A finished download is reused by a retried activity; a partial one is never used.
 */
import { asyncLocalStorage } from '@temporalio/activity';
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { activityLog } from '../activity-log';
import { errorMessage, InvalidRunRequestError } from '../errors';
import type { FetchSettings } from '../providers/config';
import { STAGING_DIR } from '../work-dir';
import { AddressPolicy } from './address-policy';
import { download, shownUrl } from './download';
import { byteSize } from './byte-size';

export const FETCHED_DIR = path.join(STAGING_DIR, 'fetched');

/** The file name a URL's content keeps (CWL's `basename`): the last segment of its path. */
export function fetchedName(url: URL): string {
  let name: string;
  try {
    name = decodeURIComponent(url.pathname.slice(url.pathname.lastIndexOf('/') + 1));
  } catch {
    name = '';
  }
  const usable = name !== '' && name !== '.' && name !== '..' && !/[/\\\0]/.test(name) && Buffer.byteLength(name) <= 200;
  return usable ? name : 'download';
}

/** Bytes the run has fetched so far: its finished downloads. */
async function fetchedBytes(workDir: string): Promise<number> {
  const root = path.join(workDir, FETCHED_DIR);
  let total = 0;
  for (const entry of await readdir(root, { withFileTypes: true }).catch(() => [])) {
    if (!entry.isDirectory()) continue;
    for (const file of await readdir(path.join(root, entry.name), { withFileTypes: true })) {
      if (file.isFile() && !file.name.endsWith('.part')) total += (await stat(path.join(root, entry.name, file.name))).size;
    }
  }
  return total;
}

/** One download at a time per run, so that its total is known before each begins. */
const queues = new Map<string, Promise<unknown>>();

function oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T> {
  const result = (queues.get(key) ?? Promise.resolve()).then(work, work);
  const settled = result.catch(() => undefined);
  queues.set(key, settled);
  void settled.then(() => queues.get(key) === settled && queues.delete(key));
  return result;
}

/** The local file of an http(s) `reference` of the run in `workDir`, downloaded unless it already was. */
export function fetchedFile(workDir: string, reference: string, settings: FetchSettings): Promise<string> {
  let url: URL;
  try {
    url = new URL(reference);
  } catch {
    return Promise.reject(new InvalidRunRequestError(`local: not a valid URL: ${reference}`));
  }
  const dir = path.join(workDir, FETCHED_DIR, createHash('sha256').update(url.href).digest('hex').slice(0, 16));
  const file = path.join(dir, fetchedName(url));
  return oneAtATime(workDir, async () => {
    if (await stat(file).then((info) => info.isFile(), () => false)) return file;
    const used = await fetchedBytes(workDir);
    const perRun = settings.maxRunBytes - used;
    const limits = {
      timeoutMs: settings.timeoutMs,
      maxRedirects: settings.maxRedirects,
      ...(perRun < settings.maxBytes
        ? { maxBytes: Math.max(perRun, 0), describeLimit: `${byteSize(settings.maxRunBytes)} per run (${byteSize(used)} fetched already)` }
        : { maxBytes: settings.maxBytes, describeLimit: `${byteSize(settings.maxBytes)} per input` }),
    };
    await mkdir(dir, { recursive: true });
    const partial = `${file}.${randomUUID()}.part`;
    const cancelled = asyncLocalStorage.getStore()?.cancellationSignal;
    let bytes: number;
    try {
      bytes = await download(url, partial, new AddressPolicy(settings.allow), limits, cancelled);
    } catch (err) {
      const message = `local: could not fetch ${shownUrl(url)}: ${errorMessage(err)}`;
      throw err instanceof InvalidRunRequestError ? new InvalidRunRequestError(message) : new Error(message);
    }
    await rename(partial, file);
    activityLog().info('input fetched', { url: shownUrl(url), bytes });
    return file;
  });
}

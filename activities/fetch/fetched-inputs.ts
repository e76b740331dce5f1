/**
 * A run's http(s) inputs, downloaded by the worker into the run's own directory before its engine
 * starts, so that the engine is handed files and never needs the network (docs/design.md,
 * "Inputs fetched by the service"). Layout under `staging/fetched/`: an input at
 * `<hash of its URL>/<its file name>`; a workflow where its URL's path puts it under
 * `site-<hash of its origin>/`, so that its relative imports, fetched beside it, resolve
 * (fetched-workflow.ts). A finished download is reused by a retried activity; a partial one is never used.
 */
import { asyncLocalStorage } from '@temporalio/activity';
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { activityLog } from '../activity-log';
import { errorMessage, InvalidRunRequestError } from '../errors';
import type { FetchSettings } from '../providers/settings-schemas';
import { STAGING_DIR } from '../work-dir';
import { AddressPolicy } from './address-policy';
import { approximateSize } from '../byte-sizes';
import { download, shownUrl } from './download';

export const FETCHED_DIR = path.join(STAGING_DIR, 'fetched');

const PARTIAL = '.part';

export const shortHash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** A URL path segment as a file name, or undefined when it cannot be one. */
export function fileName(segment: string): string | undefined {
  let name: string;
  try {
    name = decodeURIComponent(segment);
  } catch {
    return undefined;
  }
  const usable =
    name !== '' && name !== '.' && name !== '..' && !/[/\\\0]/.test(name) && !name.endsWith(PARTIAL) && Buffer.byteLength(name) <= 200;
  return usable ? name : undefined;
}

/** The file name a URL's content keeps (CWL's `basename`): the last segment of its path. */
export const fetchedName = (url: URL): string => fileName(url.pathname.slice(url.pathname.lastIndexOf('/') + 1)) ?? 'download';

export function parseUrl(reference: string): URL {
  try {
    return new URL(reference);
  } catch {
    throw new InvalidRunRequestError(`local: not a valid URL: ${reference}`);
  }
}

/** Bytes the run has fetched so far: its finished downloads. */
async function fetchedBytes(workDir: string): Promise<number> {
  const root = path.join(workDir, FETCHED_DIR);
  const names = await readdir(root, { recursive: true }).catch(() => []);
  let total = 0;
  for (const name of names) {
    const info = await stat(path.join(root, name));
    if (info.isFile() && !name.endsWith(PARTIAL)) total += info.size;
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

/** Downloads `url` to `file` of the run in `workDir`, unless it already was; within the settings' limits. */
export function fetchTo(workDir: string, url: URL, file: string, settings: FetchSettings): Promise<string> {
  return oneAtATime(workDir, async () => {
    if (
      await stat(file).then(
        (info) => info.isFile(),
        () => false,
      )
    )
      return file;
    const used = await fetchedBytes(workDir);
    const perRun = settings.maxRunBytes - used;
    const limits = {
      timeoutMs: settings.timeoutMs,
      maxRedirects: settings.maxRedirects,
      ...(perRun < settings.maxBytes
        ? {
            maxBytes: Math.max(perRun, 0),
            describeLimit: `${approximateSize(settings.maxRunBytes)} per run (${approximateSize(used)} fetched already)`,
          }
        : { maxBytes: settings.maxBytes, describeLimit: `${approximateSize(settings.maxBytes)} per input` }),
    };
    await mkdir(path.dirname(file), { recursive: true });
    const partial = `${file}.${randomUUID()}${PARTIAL}`;
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

/** The local file of an http(s) input `reference` of the run in `workDir`, downloaded unless it already was. */
export async function fetchedFile(workDir: string, reference: string, settings: FetchSettings): Promise<string> {
  const url = parseUrl(reference);
  return fetchTo(workDir, url, path.join(workDir, FETCHED_DIR, shortHash(url.href), fetchedName(url)), settings);
}

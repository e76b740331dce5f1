/**
 * An http(s) workflow, and the files its CWL documents name by relative reference (`run`, `$import`,
 * `$include`, `$mixin`, File and Directory locations), fetched into a copy of their site's paths:
 * the engine, handed the fetched workflow, then resolves each such reference to the fetched file as
 * it would have resolved it to the URL (docs/design.md, "Inputs fetched by the service").
 * A reference that would resolve differently on disk than on the site (an absolute path or URL, a
 * query, `..` past the site's root) is not fetched: the engine meets it in its sandbox.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { activityLog } from '../activity-log';
import { InvalidRunRequestError } from '../errors';
import type { FetchSettings } from '../providers/settings-schemas';
import { fetchedFile, FETCHED_DIR, fetchTo, fileName, parseUrl, shortHash } from './fetched-inputs';
import { shownUrl } from './download';
import { isLocationKey } from './input-locations';

/** The most files one workflow may bring with it. */
const MAX_FILES = 200;
/** Larger documents are fetched but not read for references. */
const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;
/** Keys whose value is another document, itself read for references. */
const DOCUMENT_KEYS = new Set(['run', '$import', '$mixin']);

interface Fetched {
  url: URL;
  file: string;
}

/** Where a URL's content lives in the copy of its site; undefined when its path cannot be a file's. */
function sitePath(workDir: string, url: URL): string | undefined {
  if (url.search !== '') return undefined;
  const names = url.pathname.split('/').slice(1).map(fileName);
  if (names.some((name) => name === undefined)) return undefined;
  return path.join(workDir, FETCHED_DIR, `site-${shortHash(url.origin)}`, ...(names as string[]));
}

/** The references a CWL document (YAML or JSON) makes, and whether each names a document. */
function references(text: string): Array<{ reference: string; document: boolean }> {
  let root: unknown;
  try {
    root = parse(text);
  } catch {
    return [];
  }
  const found: Array<{ reference: string; document: boolean }> = [];
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const item = pending.pop();
    if (item === null || typeof item !== 'object') continue;
    if (Array.isArray(item)) {
      pending.push(...(item as unknown[]));
      continue;
    }
    const object = item as Record<string, unknown>;
    for (const [key, value] of Object.entries(object)) {
      if (typeof value === 'string' && (DOCUMENT_KEYS.has(key) || key === '$include' || isLocationKey(object, key))) {
        found.push({ reference: value, document: DOCUMENT_KEYS.has(key) });
      } else pending.push(value);
    }
  }
  return found;
}

/** The URL and fetched file of a relative reference made by `from`, if the engine will resolve it to that file. */
function relativeTarget(workDir: string, reference: string, from: Fetched): Fetched | undefined {
  const bare = reference.split('#')[0];
  if (bare === '' || /^[a-z][a-z0-9+.-]*:/i.test(bare) || bare.startsWith('/') || bare.includes('?')) return undefined;
  const url = new URL(bare, from.url);
  const file = sitePath(workDir, url);
  let onDisk: string;
  try {
    onDisk = path.resolve(path.dirname(from.file), ...bare.split('/').map(decodeURIComponent));
  } catch {
    return undefined;
  }
  return file !== undefined && file === onDisk ? { url, file } : undefined;
}

/** The local file of an http(s) workflow `reference` of the run in `workDir`, with what it imports fetched beside it. */
export async function fetchedWorkflow(workDir: string, reference: string, settings: FetchSettings): Promise<string> {
  const url = parseUrl(reference);
  const file = sitePath(workDir, url);
  if (file === undefined) return fetchedFile(workDir, reference, settings);
  const workflow = { url, file };
  await fetchTo(workDir, url, file, settings);
  const seen = new Set([file]);
  const documents: Fetched[] = [workflow];
  for (let document = documents.pop(); document !== undefined; document = documents.pop()) {
    if ((await stat(document.file)).size > MAX_DOCUMENT_BYTES) continue;
    for (const { reference: named, document: isDocument } of references(await readFile(document.file, 'utf8'))) {
      const target = relativeTarget(workDir, named, document);
      if (target === undefined || seen.has(target.file)) continue;
      if (seen.size >= MAX_FILES)
        throw new InvalidRunRequestError(`local: workflow ${shownUrl(url)} names more than ${MAX_FILES} files to fetch`);
      seen.add(target.file);
      if (isDocument) {
        await fetchTo(workDir, target.url, target.file, settings);
        documents.push(target);
      } else {
        // A default file or included text the run may not need: one that cannot be had is the engine's to miss.
        await fetchTo(workDir, target.url, target.file, settings).catch((err: unknown) => {
          if (!(err instanceof InvalidRunRequestError)) throw err;
          activityLog().warn('a file the workflow names was not fetched', { error: err.message });
        });
      }
    }
  }
  return file;
}

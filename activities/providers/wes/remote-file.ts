/**
 * A file of a remote WES, fetched to be streamed through as the answer. The client's range and
 * conditions are passed on and the remote's answer (200, 206, 304) passed back with the headers that
 * describe the bytes; a redirect is passed back for the client to follow (without our token). What
 * the remote cannot give is a 404 or 416 as it says, or a 502 when it fails.
 */
import { Readable } from 'node:stream';
import { OutputError, type DownloadAnswer, type DownloadRequest } from '../outputs/output-source';
import { describe } from './client';

const PASSED_ON = ['range', 'if-range', 'if-none-match', 'if-modified-since'];
const PASSED_BACK = ['content-type', 'content-length', 'content-range', 'accept-ranges', 'etag', 'last-modified'];

export interface RemoteFile {
  url: string;
  token?: string;
  timeoutMs: number;
}

export async function openRemoteFile({ url, token, timeoutMs }: RemoteFile, request: DownloadRequest): Promise<DownloadAnswer> {
  // Uncompressed, so that lengths and ranges are of the bytes passed on.
  const headers: Record<string, string> = {
    'accept-encoding': 'identity',
    ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
  };
  for (const name of PASSED_ON) {
    const value = request.header(name);
    if (value !== undefined) headers[name] = value;
  }
  const abort = new AbortController();
  // The limit is on the remote's answering; the body then flows as fast as the client takes it.
  const timer = setTimeout(() => abort.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  request.signal.addEventListener('abort', () => abort.abort(), { once: true });
  let remote: Response;
  try {
    // A HEAD asks the remote for headers only, rather than fetching a file to throw away.
    remote = await fetch(url, { method: request.method, headers, redirect: 'manual', signal: abort.signal });
  } catch (err) {
    throw new OutputError(502, `the remote WES did not answer for ${url}: ${describe(err)}`);
  } finally {
    clearTimeout(timer);
  }
  const { status } = remote;
  const location = remote.headers.get('location');
  if (status >= 300 && status < 400 && status !== 304 && location) {
    await remote.body?.cancel();
    return { kind: 'redirect', url: new URL(location, url).href };
  }
  if (status === 404 || status === 410) {
    await remote.body?.cancel();
    throw new OutputError(404, `the remote WES has no file at ${url}`);
  }
  if (status === 416) {
    await remote.body?.cancel();
    const range = remote.headers.get('content-range');
    throw new OutputError(
      416,
      `the range ${request.header('range') ?? '(none)'} is not within the file`,
      range ? { 'Content-Range': range } : {},
    );
  }
  if (status !== 200 && status !== 206 && status !== 304) {
    const text = (await remote.text().catch(() => '')).slice(0, 200);
    throw new OutputError(502, `the remote WES answered ${status} for ${url}${text ? `: ${text}` : ''}`);
  }
  const passed: Record<string, string> = {};
  for (const name of PASSED_BACK) {
    const value = remote.headers.get(name);
    if (value !== null) passed[name] = value;
  }
  return { kind: 'bytes', status, headers: passed, ...(remote.body ? { body: Readable.fromWeb(remote.body) } : {}) };
}

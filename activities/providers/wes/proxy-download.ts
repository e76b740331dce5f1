/**
 * A file of a remote WES, fetched and streamed through as the answer. The client's range and
 * conditions are passed on and the remote's answer (200, 206, 304) passed back with the headers that
 * describe the bytes; a redirect is passed back for the client to follow (without our token). What
 * the remote cannot give is a 404 or 416 as it says, or a 502 when it fails.
 */
import { BadGatewayException, HttpException, HttpStatus, NotFoundException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { describe } from './client';
import type { OutputTarget } from '../outputs/output-source';

const PASSED_ON = ['range', 'if-range', 'if-none-match', 'if-modified-since'];
const PASSED_BACK = ['content-type', 'content-length', 'content-range', 'accept-ranges', 'etag', 'last-modified'];

export async function proxyDownload({ url, token, timeoutMs }: Extract<OutputTarget, { kind: 'proxy' }>, request: Request, response: Response): Promise<void> {
  // Uncompressed, so that lengths and ranges are of the bytes passed on.
  const headers: Record<string, string> = { 'accept-encoding': 'identity', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) };
  for (const name of PASSED_ON) {
    const value = request.get(name);
    if (value !== undefined) headers[name] = value;
  }
  const abort = new AbortController();
  // The limit is on the remote's answering; the body then flows as fast as the client takes it.
  const timer = setTimeout(() => abort.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  response.on('close', () => abort.abort());
  let remote: globalThis.Response;
  try {
    // A HEAD asks the remote for headers only, rather than fetching a file to throw away.
    remote = await fetch(url, { method: request.method === 'HEAD' ? 'HEAD' : 'GET', headers, redirect: 'manual', signal: abort.signal });
  } catch (err) {
    throw new BadGatewayException(`the remote WES did not answer for ${url}: ${describe(err)}`);
  } finally {
    clearTimeout(timer);
  }
  const { status } = remote;
  const location = remote.headers.get('location');
  if (status >= 300 && status < 400 && status !== HttpStatus.NOT_MODIFIED && location) {
    await remote.body?.cancel();
    return response.redirect(new URL(location, url).href);
  }
  if (status === HttpStatus.NOT_FOUND || status === HttpStatus.GONE) {
    await remote.body?.cancel();
    throw new NotFoundException(`the remote WES has no file at ${url}`);
  }
  if (status === HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE) {
    await remote.body?.cancel();
    const range = remote.headers.get('content-range');
    if (range) response.setHeader('Content-Range', range);
    throw new HttpException(`the range ${request.get('range')} is not within the file`, HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE);
  }
  if (status !== HttpStatus.OK && status !== HttpStatus.PARTIAL_CONTENT && status !== HttpStatus.NOT_MODIFIED) {
    const text = (await remote.text().catch(() => '')).slice(0, 200);
    throw new BadGatewayException(`the remote WES answered ${status} for ${url}${text ? `: ${text}` : ''}`);
  }
  response.status(status);
  for (const name of PASSED_BACK) {
    const value = remote.headers.get(name);
    if (value !== null) response.setHeader(name, value);
  }
  if (!remote.body) return void response.end();
  await new Promise<void>((resolve) => {
    // A remote that breaks off mid-file can only cut the answer short: its headers have gone.
    Readable.fromWeb(remote.body as ReadableStream).on('error', () => response.destroy()).pipe(response).on('close', resolve);
  });
}

/**
 * One http(s) download to a file, as the address policy allows: each hop's address is checked
 * where it is resolved and the connection goes to exactly that address (no second DNS answer
 * between check and connect), redirects are followed a bounded number of times and each is
 * checked again, and the body is streamed to disk within a size and a time limit.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidRunRequestError } from '../errors';
import { ipLiteral, literalAddress, type AddressPolicy } from './address-policy';

export interface DownloadLimits {
  /** The most bytes the body may have. */
  maxBytes: number;
  /** Says which limit maxBytes is, for the error: `1 GiB per input`. */
  describeLimit: string;
  timeoutMs: number;
  maxRedirects: number;
}

/** A URL as it may be shown: without its user name and password. */
export function shownUrl(url: URL): string {
  if (!url.username && !url.password) return url.href;
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}

/**
 * Why the worker may not fetch `url`, as far as the URL itself tells: its scheme, or an address
 * written out (an IP; `localhost` too with `byName`, RFC 6761). Names are otherwise judged by
 * what they resolve to, when they are resolved.
 */
export function urlRefusal(url: URL, policy: AddressPolicy, { byName = true } = {}): string | undefined {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `only http and https URLs are fetched, not ${url.protocol}`;
  const literal = byName ? literalAddress(url.hostname) : ipLiteral(url.hostname);
  return literal === undefined ? undefined : policy.refusal(url.hostname, literal);
}

/** dns.lookup keeping only the addresses the policy allows; none left is a refusal. */
export function guardedLookup(policy: AddressPolicy, hostname: string): LookupFunction {
  return (host, options, callback) => {
    dnsLookup(host, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) {
        callback(err, '', 0);
        return;
      }
      const allowed = addresses.filter(({ address }) => policy.refusal(hostname, address) === undefined);
      if (allowed.length === 0) {
        const reasons = addresses.map(({ address }) => policy.refusal(hostname, address)).join('; ');
        callback(new InvalidRunRequestError(`${hostname} resolves to no address the worker may fetch from (${reasons})`), '', 0);
        return;
      }
      if (options.all) {
        (callback as unknown as (err: null, addresses: LookupAddress[]) => void)(null, allowed);
        return;
      }
      callback(null, allowed[0].address, allowed[0].family);
    });
  };
}

function get(url: URL, policy: AddressPolicy, signal: AbortSignal): Promise<IncomingMessage> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(url, {
      lookup: guardedLookup(policy, url.hostname),
      // A fresh connection per request: a pooled one may be to an address checked for another host.
      agent: false,
      headers: { 'accept-encoding': 'identity', 'user-agent': 'durable-wes' },
      signal,
    });
    request.once('response', resolve);
    request.once('error', reject);
  });
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Answers that may be different next time, besides 5xx: Request Timeout, Too Many Requests. */
const RETRIED = new Set([408, 429]);

function redirectTarget(location: string, from: URL): URL {
  try {
    return new URL(location, from);
  } catch {
    throw new InvalidRunRequestError(`${shownUrl(from)} redirects to an invalid URL: ${location}`);
  }
}

/**
 * Downloads `start` into `file` and returns how many bytes it wrote. Refusals, the limits and
 * answers other than 200 throw InvalidRunRequestError (retrying cannot help); connection errors,
 * 5xx, 408 and 429 are taken for an outage and retried by the activity. A partial file is removed.
 */
export async function download(
  start: URL,
  file: string,
  policy: AddressPolicy,
  limits: DownloadLimits,
  cancelled?: AbortSignal,
): Promise<number> {
  const deadline = AbortSignal.timeout(limits.timeoutMs);
  const signal = cancelled ? AbortSignal.any([deadline, cancelled]) : deadline;
  let url = start;
  try {
    for (let redirects = 0; ; redirects++) {
      // Node connects to an IP without a lookup: such a URL is judged here; a name, by guardedLookup.
      const refusal = urlRefusal(url, policy, { byName: false });
      if (refusal !== undefined) throw new InvalidRunRequestError(`${shownUrl(url)}: ${refusal}`);
      const response = await get(url, policy, signal);
      const status = response.statusCode ?? 0;
      if (REDIRECTS.has(status) && response.headers.location !== undefined) {
        response.destroy();
        if (redirects >= limits.maxRedirects) throw new InvalidRunRequestError(`more than ${limits.maxRedirects} redirects`);
        url = redirectTarget(response.headers.location, url);
        continue;
      }
      if (status !== 200) {
        response.destroy();
        const message = `${shownUrl(url)} answered ${status} ${response.statusMessage ?? ''}`.trim();
        throw RETRIED.has(status) || status >= 500 ? new Error(message) : new InvalidRunRequestError(message);
      }
      const length = Number(response.headers['content-length']);
      if (length > limits.maxBytes) {
        response.destroy();
        throw new InvalidRunRequestError(`${length} bytes, larger than the limit of ${limits.describeLimit}`);
      }
      let bytes = 0;
      const counted = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          bytes += chunk.length;
          done(bytes > limits.maxBytes ? new InvalidRunRequestError(`larger than the limit of ${limits.describeLimit}`) : null, chunk);
        },
      });
      await pipeline(response, counted, createWriteStream(file, { flags: 'wx' }), { signal });
      return bytes;
    }
  } catch (err) {
    await rm(file, { force: true });
    if (deadline.aborted) throw new InvalidRunRequestError(`not downloaded within the time limit of ${limits.timeoutMs} ms`);
    throw err;
  }
}

import type { FastifyRequest } from 'fastify';

export const API_PREFIX = 'ga4gh/wes/v1';

/**
 * Where the caller reached us: WES wants complete URLs in what it returns. The Host is one the API
 * answers to (./foreign-requests.ts refused any other), so no caller can plant a name in them.
 * The protocol is the connection's own: Fastify's trustProxy is off (docs/deployment.md).
 */
export function requestOrigin(request: FastifyRequest): string {
  const { host } = request.headers;
  if (host === undefined) throw new Error('a request without a Host reached the API (./foreign-requests.ts lets none through)');
  return `${request.protocol}://${host}`;
}

export function apiBaseUrl(request: FastifyRequest): string {
  return `${requestOrigin(request)}/${API_PREFIX}`;
}

/** The path of the request, without its query, as the client wrote it (not decoded). */
export function requestPath(request: { url: string }): string {
  const query = request.url.indexOf('?');
  return query === -1 ? request.url : request.url.slice(0, query);
}

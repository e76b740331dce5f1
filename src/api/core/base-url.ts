import type { Request } from 'express';

export const API_PREFIX = 'ga4gh/wes/v1';

/**
 * Where the caller reached us: WES wants complete URLs in what it returns. The Host is one the API
 * answers to (./foreign-requests.ts refused any other), so no caller can plant a name in them.
 */
export function requestOrigin(request: Request): string {
  const host = request.get('host');
  if (host === undefined) throw new Error('a request without a Host reached the API (./foreign-requests.ts lets none through)');
  return `${request.protocol}://${host}`;
}

export function apiBaseUrl(request: Request): string {
  return `${requestOrigin(request)}/${API_PREFIX}`;
}

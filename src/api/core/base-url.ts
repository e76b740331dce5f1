import type { Request } from 'express';

export const API_PREFIX = 'ga4gh/wes/v1';

/** Where the caller reached us: WES wants complete URLs in what it returns. */
export function requestOrigin(request: Request): string {
  return `${request.protocol}://${request.get('host')}`;
}

export function apiBaseUrl(request: Request): string {
  return `${requestOrigin(request)}/${API_PREFIX}`;
}

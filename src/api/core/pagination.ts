/** The `page_size` and `page_token` query parameters, shared by every paginated list. */
import { BadRequestException } from '@nestjs/common';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/** A query parameter given at most once, as a string. */
export function singleQueryValue(name: string, raw: unknown): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw new BadRequestException(`${name} must be given at most once, as a plain value`);
  return raw;
}

export function parsePageSize(raw: unknown): number {
  const text = singleQueryValue('page_size', raw);
  if (text === undefined || text === '') return DEFAULT_PAGE_SIZE;
  const size = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(size >= 1 && size <= MAX_PAGE_SIZE)) {
    throw new BadRequestException(`page_size must be an integer from 1 to ${MAX_PAGE_SIZE}, not ${JSON.stringify(text)}`);
  }
  return size;
}

/** An empty `page_token` asks for the first page, like none at all. */
export function parsePageToken(raw: unknown): string | undefined {
  return singleQueryValue('page_token', raw) || undefined;
}

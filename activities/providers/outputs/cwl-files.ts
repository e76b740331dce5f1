/** The CWL File and Directory objects of an output object (cwltool's, Snakemake's as the local provider reports them, a remote WES's). */
import { isLosslessNumber } from '../../../domain/exact-json';

export interface CwlFileObject {
  class: 'File' | 'Directory';
  location?: unknown;
  path?: unknown;
  size?: unknown;
  listing?: unknown;
}

export function isCwlFileObject(value: unknown): value is CwlFileObject {
  const object = value as { class?: unknown } | null;
  return typeof object === 'object' && object !== null && (object.class === 'File' || object.class === 'Directory');
}

/** Every File and Directory object in `value`, at any depth (arrays, records, a Directory's listing). */
export function cwlFileObjects(value: unknown): CwlFileObject[] {
  if (Array.isArray(value)) return value.flatMap(cwlFileObjects);
  if (typeof value !== 'object' || value === null) return [];
  const inner = Object.values(value).flatMap(cwlFileObjects);
  return isCwlFileObject(value) ? [value, ...inner] : inner;
}

/**
 * `value` with the `keys` (`location` and `path` unless said) of each File and Directory object
 * replaced by `link`'s answer for it (kept when it has none); a new value, the given one is left as it is.
 */
export function relinkCwlFiles(
  value: unknown,
  link: (location: string) => string | undefined,
  keys: ReadonlyArray<'location' | 'path'> = ['location', 'path'],
): unknown {
  if (Array.isArray(value)) return value.map((item) => relinkCwlFiles(item, link, keys));
  if (typeof value !== 'object' || value === null || isLosslessNumber(value)) return value;
  const fileObject = isCwlFileObject(value);
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => {
      if (fileObject && (keys as readonly string[]).includes(key) && typeof item === 'string') return [key, link(item) ?? item];
      return [key, relinkCwlFiles(item, link, keys)];
    }),
  );
}

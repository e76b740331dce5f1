/**
 * The secondary files a CWL workflow declares for its File inputs (`secondaryFiles` on an input of
 * the workflow, or of a tool a workflow input flows into), found beside the files the parameters
 * name: they are uploaded with them, so that cwltool finds them beside the uploaded file as it does
 * beside the file here. Patterns that are expressions (`$(…)`, `${…}`) are skipped: only cwltool can
 * evaluate them (README, "CLI").
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { localPath } from './local-path';

type CwlObject = Record<string, unknown>;

/** Absolute paths of the secondary files that exist beside the File inputs of `params` (locations relative to `base`). */
export function secondaryFiles(workflow: string, params: Record<string, unknown>, base: string): string[] {
  const patterns = inputPatterns(workflow, new Set());
  const found = new Set<string>();
  for (const [id, value] of Object.entries(params)) {
    for (const file of [value].flat()) {
      const location = fileLocation(file);
      const primary = location === undefined ? undefined : localPath(location, base);
      if (primary === undefined) continue;
      for (const pattern of patterns.get(id) ?? []) {
        const secondary = path.join(path.dirname(primary), secondaryName(path.basename(primary), pattern));
        if (statSync(secondary, { throwIfNoEntry: false })?.isFile()) found.add(secondary);
      }
    }
  }
  return [...found];
}

/**
 * The name of the secondary file `pattern` (no expression) gives for a primary file named `name`,
 * as cwltool's `substitute` does: each leading `^` strips one extension, then the rest is appended
 * (`^.bai` on `x.bam` is `x.bai`; `.fai` on `ref.fa` is `ref.fa.fai`).
 */
export function secondaryName(name: string, pattern: string): string {
  if (!pattern.startsWith('^')) return name + pattern;
  const dot = name.lastIndexOf('.');
  return dot < 0 ? name + pattern.replace(/^\^+/, '') : secondaryName(name.slice(0, dot), pattern.slice(1));
}

/**
 * The patterns (no expressions, `?` of optional ones removed) of a `secondaryFiles` value in any
 * of CWL's forms: a string, `{pattern, required}`, or a list of either.
 */
export function patternsOf(secondaryFiles: unknown): string[] {
  return [secondaryFiles]
    .flat()
    .map((entry) => (typeof entry === 'object' && entry !== null ? (entry as CwlObject).pattern : entry))
    .filter((pattern): pattern is string => typeof pattern === 'string' && !/\$[({]/.test(pattern))
    .map((pattern) => pattern.replace(/\?$/, ''));
}

function fileLocation(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || (value as CwlObject).class !== 'File') return undefined;
  const { location, path: filePath } = value as CwlObject;
  if (typeof location === 'string') return location;
  return typeof filePath === 'string' ? filePath : undefined;
}

/** By input id, the patterns a CWL file (`file#fragment` too) declares for that input, its steps' tools' included. */
function inputPatterns(workflow: string, seen: Set<string>): Map<string, string[]> {
  if (seen.has(workflow)) return new Map<string, string[]>();
  seen.add(workflow);
  const [file, fragment] = workflow.split('#');
  let document: unknown;
  try {
    document = parse(readFileSync(file, 'utf8'));
  } catch {
    // Unreadable or not YAML: the engine will say what is wrong with it.
    return new Map<string, string[]>();
  }
  const process = processOf(document, fragment);
  return process === undefined ? new Map<string, string[]>() : processPatterns(process, path.dirname(file), seen);
}

/** The process a document holds: itself, or in a `$graph` the one `fragment` names (`main` when none). */
function processOf(document: unknown, fragment: string | undefined): CwlObject | undefined {
  if (typeof document !== 'object' || document === null) return undefined;
  const graph = (document as CwlObject).$graph;
  if (!Array.isArray(graph)) return document as CwlObject;
  const wanted = fragment ?? 'main';
  return graph.find(
    (entry: unknown): entry is CwlObject => typeof entry === 'object' && entry !== null && bareId((entry as CwlObject).id) === wanted,
  );
}

function processPatterns(process: CwlObject, dir: string, seen: Set<string>): Map<string, string[]> {
  const patterns = new Map<string, string[]>();
  const add = (id: string, more: string[]): void => {
    if (more.length > 0) patterns.set(id, [...(patterns.get(id) ?? []), ...more]);
  };
  for (const input of entries(process.inputs)) add(input.id, patternsOf(input.secondaryFiles));
  // A workflow input that flows into a step: what the step's tool declares for it must be beside it too.
  for (const step of entries(process.steps)) {
    const tool = stepPatterns(step.run, dir, seen);
    for (const connection of entries(step.in, 'source')) {
      for (const source of [connection.source].flat()) {
        if (typeof source === 'string') add(bareId(source), tool.get(connection.id) ?? []);
      }
    }
  }
  return patterns;
}

/** What a step's `run` (a file's path or URL, or a process written inline) declares. */
function stepPatterns(run: unknown, dir: string, seen: Set<string>): Map<string, string[]> {
  if (typeof run === 'object' && run !== null) return processPatterns(run as CwlObject, dir, seen);
  const file = typeof run === 'string' ? localPath(run, dir) : undefined;
  return file === undefined ? new Map<string, string[]>() : inputPatterns(file, seen);
}

/**
 * The entries of a CWL list that may also be written as a map by id (`inputs`, `steps`, `in`):
 * each an object with its `id`; a map's value that is not an object is that object's `short` field
 * (an input's type, a step input's source).
 */
function entries(value: unknown, short = 'type'): Array<CwlObject & { id: string }> {
  if (Array.isArray(value)) {
    return value
      .filter((entry): entry is CwlObject => typeof entry === 'object' && entry !== null)
      .map((entry) => ({ ...entry, id: bareId(entry.id) }));
  }
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value as CwlObject).map(([id, entry]) =>
    typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? { ...(entry as CwlObject), id } : { [short]: entry, id },
  );
}

/** `#main/reads`, `file.cwl#reads` and `reads` are all the input `reads`. */
function bareId(id: unknown): string {
  return typeof id === 'string' ? id.slice(Math.max(id.lastIndexOf('#'), id.lastIndexOf('/')) + 1) : '';
}

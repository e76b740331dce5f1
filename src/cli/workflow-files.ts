/**
 * A local workflow and the files of its own it obviously needs: for CWL, what `run`, `$import` and
 * `$include` name and File defaults' locations, followed through the files they name; for
 * Snakemake, its project (./project-files.ts) and what `include:` names; for WDL, what `import` names.
 * They are uploaded beside it, so that the engine finds them.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { localPath } from './local-path';
import { projectFiles } from './project-files';

/** Absolute paths, the workflow first. */
export function workflowFiles(workflow: string): string[] {
  const found = new Set<string>();
  const add = (file: string): void => {
    if (found.has(file) || !statSync(file, { throwIfNoEntry: false })?.isFile()) return;
    found.add(file);
    const dir = path.dirname(file);
    const referenced = referencesOf(file, readFileSync(file, 'utf8'));
    for (const reference of referenced) {
      const local = localPath(reference.split('#')[0], dir);
      if (local !== undefined && reference.split('#')[0] !== '') add(local);
    }
  };
  add(path.resolve(workflow));
  if (isSnakefile(workflow)) for (const file of projectFiles(path.resolve(workflow))) found.add(file);
  return [...found];
}

/** The files `file` names as its own parts, relative to its folder. */
function referencesOf(file: string, text: string): string[] {
  if (/\.cwl$/i.test(file)) return cwlReferences(text);
  if (isSnakefile(file)) return snakemakeIncludes(text);
  if (/\.wdl$/i.test(file)) return wdlImports(text);
  return [];
}

export function isSnakefile(file: string): boolean {
  return path.basename(file) === 'Snakefile' || /\.smk$/i.test(file);
}

function cwlReferences(text: string): string[] {
  let document: unknown;
  try {
    document = parse(text);
  } catch {
    // Not YAML: the engine will say what is wrong with it.
    return [];
  }
  const references: string[] = [];
  const visit = (value: unknown, key?: string): void => {
    if (typeof value === 'string') {
      if (key === 'run' || key === '$import' || key === '$include') references.push(value);
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item) => visit(item));
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const object = value as Record<string, unknown>;
    if (object.class === 'File' && typeof object.location === 'string') references.push(object.location);
    for (const [name, item] of Object.entries(object)) visit(item, name);
  };
  visit(document);
  return references;
}

function snakemakeIncludes(text: string): string[] {
  return [...text.matchAll(/^\s*include:\s*["']([^"']+)["']/gm)].map((match) => match[1]);
}

function wdlImports(text: string): string[] {
  return [...text.matchAll(/^\s*import\s+["']([^"']+)["']/gm)].map((match) => match[1]);
}

/**
 * A local workflow and the files of its own it obviously needs: for CWL, what `run`, `$import` and
 * `$include` name and File defaults' locations, followed through the files they name; for
 * Snakemake, its whole project (docs/design.md, "Snakemake as a project") and what `include:` names.
 * They are uploaded beside it, so that the engine finds them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { localPath } from './local-path';

/** Absolute paths, the workflow first. */
export function workflowFiles(workflow: string): string[] {
  const found = new Set<string>();
  const add = (file: string): void => {
    if (found.has(file) || !statSync(file, { throwIfNoEntry: false })?.isFile()) return;
    found.add(file);
    const text = readFileSync(file, 'utf8');
    const dir = path.dirname(file);
    const referenced = /\.cwl$/i.test(file) ? cwlReferences(text) : isSnakefile(file) ? snakemakeIncludes(text) : [];
    for (const reference of referenced) {
      const local = localPath(reference.split('#')[0], dir);
      if (local !== undefined && reference.split('#')[0] !== '') add(local);
    }
  };
  add(path.resolve(workflow));
  if (isSnakefile(workflow)) for (const file of snakemakeProject(path.resolve(workflow))) found.add(file);
  return [...found];
}

/** Folders of a project that are no part of it: Snakemake's records, version control. */
const NOT_PROJECT = new Set(['.snakemake', '.git']);

/**
 * Every file of a Snakefile's project: its folder, or the folder above when that is `workflow/`,
 * as Snakemake finds `workflow/Snakefile` from the project's root.
 */
function snakemakeProject(snakefile: string): string[] {
  const folder = path.dirname(snakefile);
  const root = path.basename(folder) === 'workflow' ? path.dirname(folder) : folder;
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return NOT_PROJECT.has(entry.name) ? [] : walk(full);
      return entry.isFile() ? [full] : [];
    });
  return walk(root);
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

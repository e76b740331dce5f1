/**
 * The layers of docs/design.md ("Layers"): every import, type-only ones included, points down,
 * and no files import each other in a circle. Read from the sources with TypeScript's own parser.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '../..');
/** Each layer and the layers below it that it may import; `spec/` holds the WES spec's generated types. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  domain: ['spec'],
  workflows: ['spec', 'domain'],
  'read-model': ['spec', 'domain'],
  activities: ['spec', 'domain', 'workflows', 'read-model'],
  src: ['spec', 'domain', 'workflows', 'read-model', 'activities'],
};
const LAYERS = Object.keys(MAY_IMPORT);

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)));
}

/** The repository files a file imports, by relative path; packages are left out. */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(path.join(ROOT, file), 'utf8'), true, true);
  return importedFiles
    .map(({ fileName }) => fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => resolve(path.join(path.dirname(file), name)));
}

function resolve(spec: string): string {
  const candidates = [spec, `${spec}.ts`, path.join(spec, 'index.ts')];
  return candidates.find((candidate) => FILES.has(candidate)) ?? spec;
}

const layerOf = (file: string): string => file.split(path.sep)[0];
const FILES = new Set(LAYERS.flatMap(sourceFiles));
const GRAPH = new Map([...FILES].map((file) => [file, importsOf(file)]));

/** Strongly connected components of more than one file (Tarjan). */
function circles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(file, Math.min(low.get(file)!, index.get(next)!));
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1) found.push(component.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

test('every import points to its own layer or one below it', () => {
  const upward = [...GRAPH].flatMap(([file, targets]) =>
    targets
      .filter((target) => layerOf(target) !== layerOf(file) && !MAY_IMPORT[layerOf(file)].includes(layerOf(target)))
      .map((target) => `${file} -> ${target}`),
  );
  expect(upward).toEqual([]);
  expect(GRAPH.size).toBeGreaterThan(200);
});

test('the API reaches providers only through their descriptors, never a provider kind folder', () => {
  const kinds = readdirSync(path.join(ROOT, 'activities/providers'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'outputs')
    .map((entry) => path.join('activities/providers', entry.name) + path.sep);
  expect(kinds.length).toBeGreaterThanOrEqual(4);
  const intoKinds = [...GRAPH]
    .filter(([file]) => file.startsWith(path.join('src', 'api') + path.sep))
    .flatMap(([file, targets]) =>
      targets.filter((target) => kinds.some((kind) => target.startsWith(kind))).map((target) => `${file} -> ${target}`),
    );
  expect(intoKinds).toEqual([]);
});

test('no files import each other in a circle', () => {
  expect(circles(GRAPH)).toEqual([]);
});

test('the circle finder finds a circle', () => {
  const graph = new Map([
    ['a', ['b']],
    ['b', ['c']],
    ['c', ['a']],
    ['d', ['a']],
  ]);
  expect(circles(graph)).toEqual([['a', 'b', 'c']]);
});

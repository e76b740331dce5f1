/**
 * A task definition's text as a plain value. YAML 1.2 reads JSON too, so one parser takes both;
 * a key given twice in one mapping is refused (JSON.parse would keep the last silently), which is
 * how duplicate parameter keys show.
 *
 * What a parse may cost is bounded before it starts (docs/tasks.md, "Limits"), as it holds one of
 * the API's few reader threads (./task-reader.ts): the text's size, and how deeply its brackets nest
 * (the YAML parser recurses, and a deep enough nesting costs seconds); aliases expand at most
 * MAX_ALIAS_COUNT times (a "billion laughs" document is refused, not expanded).
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { KeyPath } from '../../domain/key-path';
import { TaskDefinitionError } from './task-definition-error';

/** Far above a real task (the examples are 2 KB), low enough that a parse takes milliseconds. */
export const MAX_DEFINITION_BYTES = 64 * 1024;
export const MAX_NESTING = 64;
const MAX_ALIAS_COUNT = 100;

export function readDocument(text: string, source: string): unknown {
  if (Buffer.byteLength(text) > MAX_DEFINITION_BYTES)
    throw new TaskDefinitionError(source, [], `is larger than ${MAX_DEFINITION_BYTES / 1024} KiB, the most a task definition may be`);
  if (bracketDepth(text) > MAX_NESTING) throw new TaskDefinitionError(source, [], `nests brackets more than ${MAX_NESTING} deep`);
  // uniqueKeys off: duplicates are found below, where their whole key path is known.
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { uniqueKeys: false, prettyErrors: false, lineCounter });
  const syntaxError = document.errors.at(0);
  if (syntaxError) {
    const { line, col } = lineCounter.linePos(syntaxError.pos[0]);
    throw new TaskDefinitionError(source, [], `not YAML or JSON: ${syntaxError.message} (line ${line}, column ${col})`);
  }
  const duplicate = duplicateKey(document.contents, []);
  if (duplicate) throw new TaskDefinitionError(source, duplicate, 'is given more than once');
  try {
    return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // yaml's resource-exhaustion guard throws a ReferenceError.
    throw new TaskDefinitionError(source, [], `not YAML or JSON that can be read: ${(error as Error).message}`);
  }
}

/** The deepest nesting of [ and {, quoted or not: quoted brackets are rare, and the bound is loose. */
function bracketDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (const char of text) {
    if (char === '[' || char === '{') deepest = Math.max(deepest, ++depth);
    else if (char === ']' || char === '}') depth = Math.max(0, depth - 1);
  }
  return deepest;
}

function duplicateKey(node: Node | null, at: KeyPath): KeyPath | undefined {
  if (isMap(node)) {
    const seen = new Set<string>();
    for (const { key, value } of node.items) {
      const name = String(isScalar(key) ? key.value : key);
      if (seen.has(name)) return [...at, name];
      seen.add(name);
      const inner = duplicateKey(value as Node | null, [...at, name]);
      if (inner) return inner;
    }
  }
  if (isSeq(node)) {
    for (const [index, item] of node.items.entries()) {
      const inner = duplicateKey(item as Node | null, [...at, index]);
      if (inner) return inner;
    }
  }
  return undefined;
}

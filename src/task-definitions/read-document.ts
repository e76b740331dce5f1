/**
 * A task definition's text as a plain value. YAML 1.2 reads JSON too, so one parser takes both;
 * a key given twice in one mapping is refused (JSON.parse would keep the last silently), which is
 * how duplicate parameter keys show.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { KeyPath } from '../../workflows/task/key-path';
import { TaskDefinitionError } from './task-definition-error';

export function readDocument(text: string, source: string): unknown {
  // uniqueKeys off: duplicates are found below, where their whole key path is known.
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { uniqueKeys: false, prettyErrors: false, lineCounter });
  const [syntaxError] = document.errors;
  if (syntaxError) {
    const { line, col } = lineCounter.linePos(syntaxError.pos[0]);
    throw new TaskDefinitionError(source, [], `not YAML or JSON: ${syntaxError.message} (line ${line}, column ${col})`);
  }
  const duplicate = duplicateKey(document.contents, []);
  if (duplicate) throw new TaskDefinitionError(source, duplicate, 'is given more than once');
  return document.toJS();
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

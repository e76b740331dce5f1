/**
 * A run's inputs (workflow_params) and outputs (its output object) as Workflow Run Crate sees them:
 * a FormalParameter per key, its value a File or Dataset entity for each CWL File or Directory, a
 * PropertyValue otherwise (docs/formats.md, "Workflow Run RO-Crate").
 */
import { isCwlFileObject, type CwlFileObject } from '../../../activities/providers/outputs/cwl-files';
import { isLosslessNumber, stringifyExactJson, type LosslessNumber } from '../../../domain/exact-json';
import type { CrateGraph } from './crate-graph';
import { ref, type Ref } from './crate-types';

export type Direction = 'input' | 'output';

/** The @id of the data entity (already in the graph) for a File or Directory object; undefined for one it cannot place. */
export type DataEntityOf = (object: CwlFileObject) => string | undefined;

const FORMAL_PARAMETER_PROFILE = 'https://bioschemas.org/profiles/FormalParameter/1.0-RELEASE';

/** Adds a FormalParameter and its values per key of `values`; returns the parameters and the values. */
export function addParameters(
  graph: CrateGraph,
  direction: Direction,
  values: Record<string, unknown>,
  dataEntityOf: DataEntityOf,
): { parameters: Ref[]; values: Ref[] } {
  const parameters: Ref[] = [];
  const all: Ref[] = [];
  for (const [name, value] of Object.entries(values)) {
    const parameterId = `#param-${direction}-${encodeURIComponent(name)}`;
    const items = Array.isArray(value) ? value : [value];
    const files = items.length > 0 && items.every(isCwlFileObject) ? items : undefined;
    const placed = files?.map(dataEntityOf);
    let examples: Ref[];
    let additionalType: string;
    if (files && placed?.every((id): id is string => id !== undefined)) {
      examples = [...new Set(placed)].map(ref);
      additionalType = files.every((file) => file.class === 'File') ? 'File' : 'Dataset';
    } else {
      const valueId = `#${direction}-${encodeURIComponent(name)}`;
      graph.add({ '@id': valueId, '@type': 'PropertyValue', name, value: propertyValue(value) });
      examples = [ref(valueId)];
      additionalType = dataType(items[0]);
    }
    graph.add({
      '@id': parameterId,
      '@type': 'FormalParameter',
      conformsTo: ref(FORMAL_PARAMETER_PROFILE),
      name,
      additionalType,
      ...(Array.isArray(value) ? { multipleValues: true } : {}),
      workExample: examples,
    });
    for (const example of examples) graph.link(example['@id'], 'exampleOfWork', ref(parameterId));
    parameters.push(ref(parameterId));
    all.push(...examples);
  }
  return { parameters, values: all };
}

/** A JSON value as a PropertyValue's value: a scalar as it is (a number beyond a double too, docs/formats.md), anything else as its JSON text. */
function propertyValue(value: unknown): string | number | boolean | LosslessNumber {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || isLosslessNumber(value)) return value;
  return stringifyExactJson(value);
}

function dataType(value: unknown): string {
  if (typeof value === 'boolean') return 'Boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'Integer' : 'Float';
  return 'Text';
}

/**
 * A finished run's Workflow Run RO-Crate (profile 0.5; docs/formats.md, "Workflow Run RO-Crate"),
 * from what the service knows of it: pure, the same run gives the same crate.
 */
import { stringifyExactJson } from '../../../domain/exact-json';
import { normalRelativePath } from '../runs/attachments';
import type { CwlFileObject } from '../../../activities/providers/outputs/cwl-files';
import { addEngineAction, addRunAction, addTaskActions, RUN_ACTION } from './crate-actions';
import { CrateGraph } from './crate-graph';
import { addParameters } from './crate-parameters';
import { ref, type Crate, type CrateRun, type Entity, type HeldFile, type Ref } from './crate-types';
import { languageEntity } from './workflow-languages';

const CRATE_CONTEXT = ['https://w3id.org/ro/crate/1.1/context', 'https://w3id.org/ro/terms/workflow-run/context'];
const PROFILES = [
  { id: 'https://w3id.org/ro/wfrun/process/0.5', name: 'Process Run Crate', version: '0.5' },
  { id: 'https://w3id.org/ro/wfrun/workflow/0.5', name: 'Workflow Run Crate', version: '0.5' },
  { id: 'https://w3id.org/workflowhub/workflow-ro-crate/1.0', name: 'Workflow RO-Crate', version: '1.0' },
];
/** Workflow RO-Crate requires a license; the service knows none of what its users run. */
const LICENSE: Entity = {
  '@id': '#license',
  '@type': 'CreativeWork',
  name: 'Not stated',
  description:
    'durable-wes does not know under what terms this workflow, its inputs and its outputs may be used: those of their owners apply.',
};
const REQUEST_DOCUMENT = 'run-request.json';
const TRANSITIONS_DOCUMENT = 'transitions.json';
const WORKFLOW_STAND_IN = 'workflow.uri';
const ATTACHMENTS = 'attachments/';

export function buildCrate(run: CrateRun): Crate {
  const { row, links } = run;
  const graph = new CrateGraph();
  const dataEntities: Ref[] = [];
  const addData = (entity: Entity): Ref => {
    const added = graph.add(entity);
    if (!dataEntities.some((known) => known['@id'] === added['@id'])) dataEntities.push(added);
    return added;
  };

  for (const file of run.attachments) addData(heldFileEntity(file, file.path.slice(ATTACHMENTS.length)));
  for (const file of run.outputs)
    addData({ ...heldFileEntity(file, file.path.slice('outputs/'.length)), contentUrl: links.output(file.path.slice('outputs/'.length)) });
  for (const output of run.remoteOutputs)
    addData({ '@id': output.url, '@type': 'File', name: output.url, ...(output.size === undefined ? {} : { contentSize: output.size }) });

  const held = [...run.attachments, ...run.outputs];
  const emptyDirectories: string[] = [];
  /** The data entity of a File or Directory object: a held file, a directory of them, or a URL. */
  const place = (object: CwlFileObject, base: string): string | undefined => {
    const location = typeof object.location === 'string' ? object.location : typeof object.path === 'string' ? object.path : undefined;
    if (location === undefined) return undefined;
    // On the web: a web-based data entity. Elsewhere on a host: not in the crate, so a PropertyValue says where.
    if (/^(https?|ftp):/i.test(location))
      return addData({ '@id': location, '@type': object.class === 'File' ? 'File' : 'Dataset', name: location })['@id'];
    if (absoluteUrl(location)) return undefined;
    const normal = normalRelativePath(location.split('#')[0]);
    if ('problem' in normal) return undefined;
    const inCrate = `${base}${normal.path}`;
    if (object.class === 'File') return held.some((file) => file.path === inCrate) ? inCrate : undefined;
    const dir = `${inCrate}/`;
    const inside = held.filter((file) => file.path.startsWith(dir)).map((file) => ref(file.path));
    if (inside.length === 0) emptyDirectories.push(dir);
    return addData({ '@id': dir, '@type': 'Dataset', name: normal.path, hasPart: inside })['@id'];
  };

  const documents: Record<string, string> = {
    [REQUEST_DOCUMENT]: `${stringifyExactJson(row.request, 2)}\n`,
    [TRANSITIONS_DOCUMENT]: `${stringifyExactJson({ transitions: run.transitions }, 2)}\n`,
  };
  const workflow = addWorkflow(run, graph, documents, addData);
  const inputs = addParameters(graph, 'input', row.request.workflow_params ?? {}, (object) => place(object, ATTACHMENTS));
  const outputs = addParameters(graph, 'output', run.outputObject, (object) => place(object, ''));
  graph.link(workflow['@id'], 'input', ...inputs.parameters);
  graph.link(workflow['@id'], 'output', ...outputs.parameters);

  const records = [
    addData(documentEntity(REQUEST_DOCUMENT, documents[REQUEST_DOCUMENT], 'The run request, as the service received it', links.run)),
    addData(
      documentEntity(TRANSITIONS_DOCUMENT, documents[TRANSITIONS_DOCUMENT], 'The run’s state transitions, oldest first', links.transitions),
    ),
  ];
  const producedFiles = [...run.outputs.map((file) => ref(file.path)), ...run.remoteOutputs.map((output) => ref(output.url))];
  const runAction = addRunAction(graph, {
    row,
    workflow,
    objects: inputs.values,
    results: uniqueRefs([...outputs.values, ...producedFiles]),
    records,
    runUrl: links.run,
  });
  const tasks = addTaskActions(graph, run.tasks, links.runOf);
  const organize = addEngineAction(graph, run.engine, row, tasks);

  const root: Entity = {
    '@id': './',
    '@type': 'Dataset',
    name: `Run ${row.runId}`,
    description: `Workflow Run RO-Crate of run ${row.runId} (${row.request.workflow_type} ${row.request.workflow_type_version}, ${row.request.workflow_url}), made by durable-wes from what it holds of the run.`,
    datePublished: (row.endTime ?? row.submittedAt).toISOString(),
    conformsTo: PROFILES.map((profile) => ref(profile.id)),
    license: ref(LICENSE['@id']),
    mainEntity: workflow,
    hasPart: dataEntities,
    mentions: [runAction, ...tasks, ...organize],
  };
  const descriptor: Entity = {
    '@id': 'ro-crate-metadata.json',
    '@type': 'CreativeWork',
    about: ref('./'),
    conformsTo: [ref('https://w3id.org/ro/crate/1.1'), ref('https://w3id.org/workflowhub/workflow-ro-crate/1.0')],
  };
  const contextual: Entity[] = PROFILES.map((profile) => ({
    '@id': profile.id,
    '@type': 'CreativeWork',
    name: profile.name,
    version: profile.version,
  }));
  const head = new CrateGraph();
  for (const entity of [descriptor, root, ...contextual]) head.add(entity);
  return {
    metadata: { '@context': CRATE_CONTEXT, '@graph': [...head.list(), ...graph.list()] },
    files: run.hostWorkflow ? [...held, run.hostWorkflow] : held,
    documents,
    emptyDirectories,
  };
}

function heldFileEntity(file: HeldFile, name: string): Entity {
  return { '@id': file.path, '@type': 'File', name, contentSize: file.size, sha256: file.sha256 };
}

function documentEntity(id: string, content: string, description: string, url: string): Entity {
  return {
    '@id': id,
    '@type': 'File',
    name: id,
    description,
    encodingFormat: 'application/json',
    contentSize: Buffer.byteLength(content),
    about: ref(RUN_ACTION),
    contentUrl: url,
  };
}

/**
 * The main workflow: the attachment workflow_url names (its fragment dropped), or the file of this
 * host it names; else a stand-in the crate carries, a text/uri-list of the URL, for a workflow whose
 * text the service does not hold (fetched from the web, on another host, or none: `simulated:`).
 */
function addWorkflow(run: CrateRun, graph: CrateGraph, documents: Record<string, string>, addData: (entity: Entity) => Ref): Ref {
  const { request } = run.row;
  const language = graph.add(languageEntity(request.workflow_type, request.workflow_type_version));
  const [file, fragment] = request.workflow_url.split('#', 2);
  const normal = normalRelativePath(file);
  const held =
    ('path' in normal ? run.attachments.find((attached) => attached.path === `${ATTACHMENTS}${normal.path}`) : undefined) ??
    run.hostWorkflow;
  const described = {
    '@type': ['File', 'SoftwareSourceCode', 'ComputationalWorkflow'],
    name: request.workflow_url,
    programmingLanguage: language,
    ...(fragment ? { alternateName: fragment } : {}),
  };
  if (held) return addData({ ...heldFileEntity(held, request.workflow_url), ...described });
  documents[WORKFLOW_STAND_IN] = `${request.workflow_url}\n`;
  const url = absoluteUrl(request.workflow_url);
  return addData({
    '@id': WORKFLOW_STAND_IN,
    ...described,
    description: 'The service does not hold this workflow’s text: this file names where it was (text/uri-list).',
    encodingFormat: 'text/uri-list',
    contentSize: Buffer.byteLength(documents[WORKFLOW_STAND_IN]),
    ...(url ? { url } : {}),
  });
}

/** `location` as an absolute URI: as it is when it has a scheme, a host path as a file: URL; undefined when relative. */
function absoluteUrl(location: string): string | undefined {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(location)) return location;
  return location.startsWith('/') ? `file://${encodeURI(location)}` : undefined;
}

function uniqueRefs(refs: Ref[]): Ref[] {
  const seen = new Set<string>();
  return refs.filter((item) => !seen.has(item['@id']) && seen.add(item['@id']));
}

/**
 * What the Temporal Web UI says of a run or a task (docs/design.md, "A run's story in the Temporal
 * UI"): the one-line static summary of its workflow, the Markdown static details, and the summaries
 * of its activities and timers. Pure: the API builds a workflow's summary and details with it, a
 * task builds its child runs' with it, and the workflows their commands' summaries.
 */
import type { WesRunRequest } from './run-types';
import { splitWorkflowUrl } from './workflow-url';

/** What a run's summary is made of; the engine and the provider where known. */
export interface RunStory {
  request: Pick<WesRunRequest, 'workflow_type' | 'workflow_type_version' | 'workflow_url' | 'workflow_engine' | 'workflow_engine_version'>;
  provider?: string;
  /** The engine and its version, e.g. `cwltool 3.3.20260925135507`, as the provider will run it. */
  engine?: string;
  owner?: string;
}

/** Where a run is in the API, for the links of its static details. */
export interface RunLinks {
  runId: string;
  /** The API's base URL, `…/ga4gh/wes/v1`. */
  apiUrl: string;
  /** A task: its steps are listed under `/tasks`. */
  task?: boolean;
}

/** A summary is also a Keyword search attribute (WesSummary), which SQL visibility stores in 255 characters. */
const SUMMARY_CHARS = 255;
/** How many parameters the static details list, and how much of each value. */
const SHOWN_PARAMS = 8;
const SHOWN_VALUE_CHARS = 60;

/** The file a run runs, without the path and query: `hello.cwl`, `scatter-wf3.cwl#main`. */
export function workflowFile(url: string): string {
  const { document, fragment } = splitWorkflowUrl(url.trim());
  const name =
    document
      .replace(/[?].*$/, '')
      .split('/')
      .filter(Boolean)
      .at(-1) ?? document;
  return fragment === undefined ? name : `${name}#${fragment}`;
}

/** The engine that runs it: the provider's choice, else what the request names. */
export function engineOf({ engine, request }: RunStory): string | undefined {
  if (engine) return engine;
  const { workflow_engine: name, workflow_engine_version: version } = request;
  return name ? [name, version].filter(Boolean).join(' ') : undefined;
}

/** `local/cwltool 3.3`: the provider and its engine, whichever are known. */
export function whereItRuns(story: RunStory): string | undefined {
  const engine = engineOf(story);
  if (story.provider && engine) return `${story.provider}/${engine}`;
  return story.provider ?? engine;
}

/** `CWL v1.2 · hello.cwl · local/cwltool 3.3 · alice`: one line, what the workflow list shows. */
export function runSummary(story: RunStory): string {
  const { request, owner } = story;
  const parts = [
    `${request.workflow_type} ${request.workflow_type_version}`,
    workflowFile(request.workflow_url),
    whereItRuns(story),
    owner,
  ];
  return clip(oneLine(parts.filter((part): part is string => Boolean(part)).join(' · ')), SUMMARY_CHARS);
}

/** The request in short, its tags, and where the API serves the run: Markdown for the run's page. */
export function runDetails(request: WesRunRequest, links: RunLinks | undefined): string {
  return [
    `**${request.workflow_type} ${request.workflow_type_version}** \`${oneLine(request.workflow_url)}\``,
    ...(links ? [`**In the API** ${apiLinks(links).join(' · ')}`] : []),
    `**Parameters** ${shortParams(request.workflow_params ?? {})}`,
    `**Tags** ${shortEntries(request.tags ?? {})}`,
  ].join('\n\n');
}

function apiLinks({ apiUrl, runId, task }: RunLinks): string[] {
  const run = `${apiUrl}/runs/${encodeURIComponent(runId)}`;
  const links = [`[status](${run}/status)`, `[run log](${run})`, `[outputs](${run}/outputs)`, `[transitions](${run}/transitions)`];
  return [...links, task ? `[steps](${run}/tasks)` : `[stderr](${run}/logs/stderr)`];
}

/** Summaries of the commands a run's workflow issues, as its history and the UI's timeline show them. */
export const commandSummaries = {
  chooseProvider: (story: RunStory) => `choose a provider for ${workflowFile(story.request.workflow_url)}`,
  prepare: (story: RunStory) => `prepare ${workflowFile(story.request.workflow_url)} at ${whereItRuns(story) ?? 'its provider'}`,
  submit: (story: RunStory) => `submit ${workflowFile(story.request.workflow_url)} to ${whereItRuns(story) ?? 'its provider'}`,
  install: (story: RunStory, what: string) => `install ${what}, then submit ${workflowFile(story.request.workflow_url)}`,
  follow: (provider: string, externalId: string | undefined) =>
    externalId ? `follow run ${externalId} at ${provider}` : `follow the run at ${provider}`,
  cancel: (provider: string) => `cancel the run at ${provider}`,
  resume: (provider: string) => `resume the run at ${provider} with the input given`,
  cleanUp: (provider: string) => `clean up after the run at ${provider}`,
  timeLimit: (limit: string) => `the run's time limit (${limit})`,
};

function shortParams(params: Record<string, unknown>): string {
  return shortEntries(Object.fromEntries(Object.entries(params).map(([key, value]) => [key, JSON.stringify(value)])));
}

function shortEntries(entries: Record<string, string>): string {
  const all = Object.entries(entries);
  if (all.length === 0) return 'none';
  const shown = all.slice(0, SHOWN_PARAMS).map(([key, value]) => `\`${oneLine(key)}: ${clip(oneLine(value), SHOWN_VALUE_CHARS)}\``);
  return [...shown, ...(all.length > SHOWN_PARAMS ? [`and ${all.length - SHOWN_PARAMS} more`] : [])].join(', ');
}

function clip(text: string, chars: number): string {
  return text.length > chars ? `${text.slice(0, chars - 1)}…` : text;
}

/** Summaries are single lines; backticks would break the Markdown code spans. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/`/g, "'").trim();
}

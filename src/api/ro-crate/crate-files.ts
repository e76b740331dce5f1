/**
 * Gathers what a finished run's crate is built from (docs/formats.md, "Workflow Run RO-Crate"): its
 * rows in the read model, its attachments (kept in its work dir once it ended) and its outputs as
 * GET /runs/{run_id}/outputs serves them, each file of this host with its size and sha256.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { hostPath, insideRoots } from '../../../activities/paths';
import type { DescriptorRegistry } from '../../../activities/providers/descriptors';
import { ATTACHMENTS_DIR, KEPT_ATTACHMENTS_DIR, runWorkDir } from '../../../activities/work-dir';
import type { RunRow, TaskRow } from '../../../domain/run-rows';
import { withWesState } from '../../../domain/wes-state';
import { splitWorkflowUrl } from '../../../domain/workflow-url';
import type { RunStore } from '../../../read-model/run-store';
import type { CrateLinks, CrateRun, EngineInfo, HeldFile, RemoteOutput } from './crate-types';

const TASK_PAGE = 500;

export interface CrateSources {
  dataDir: string;
  /** Where workflow_url may name a file of this host (Config.workflowRoots). */
  workflowRoots: readonly string[];
  runStore: RunStore;
  registry: DescriptorRegistry;
}

export async function collectCrateRun(sources: CrateSources, row: RunRow, links: CrateLinks): Promise<CrateRun> {
  const workDir = runWorkDir(sources.dataDir, row.runId);
  const attachments =
    (await heldFiles(path.join(workDir, KEPT_ATTACHMENTS_DIR), 'attachments/')) ??
    (await heldFiles(path.join(workDir, ATTACHMENTS_DIR), 'attachments/')) ??
    [];
  const { outputs, remoteOutputs } = await outputFiles(sources.registry, row, links);
  // A File the crate holds, or a Directory of such files, is its path in the crate; anything else where it is served.
  const held = (output: string) => outputs.some((file) => file.path === `outputs/${output}` || file.path.startsWith(`outputs/${output}/`));
  const outputObject = sources.registry.linkOutputs(row, (runId, output) =>
    runId === row.runId && held(output) ? `outputs/${output}` : outputUrlOf(links, runId, output),
  );
  return {
    row,
    tasks: await allTasks(sources.runStore, row.runId),
    // As GET /runs/{id}/transitions lists them.
    transitions: (await sources.runStore.transitions(row.runId)).map(withWesState),
    attachments,
    hostWorkflow: await hostWorkflow(row.request.workflow_url, sources.workflowRoots),
    outputs,
    remoteOutputs,
    outputObject,
    engine: await engineOf(sources.registry, row),
    links,
  };
}

/** The workflow file a workflow_url names on this host, when it lies in the workflow roots. */
async function hostWorkflow(workflowUrl: string, roots: readonly string[]): Promise<HeldFile | undefined> {
  const file = hostPath(splitWorkflowUrl(workflowUrl).document);
  if (file === undefined) return undefined;
  const real = await insideRoots(file, roots);
  if (real === undefined || !(await stat(real)).isFile()) return undefined;
  return heldFile(real, `workflow/${path.basename(real)}`);
}

/** Another run's output (a task's step's) is where that run serves it. */
function outputUrlOf(links: CrateLinks, runId: string, output: string): string {
  return `${links.runOf(runId)}/outputs/${output.split('/').map(encodeURIComponent).join('/')}`;
}

async function outputFiles(
  registry: DescriptorRegistry,
  row: RunRow,
  links: CrateLinks,
): Promise<{ outputs: HeldFile[]; remoteOutputs: RemoteOutput[] }> {
  const source = registry.outputs(row);
  const outputs: HeldFile[] = [];
  const remoteOutputs: RemoteOutput[] = [];
  const entries = [...(await source.list())].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const entry of entries) {
    const target = await source.locate(entry.path);
    if (target?.kind === 'file') outputs.push(await heldFile(target.file, `outputs/${entry.path}`));
    else if (target?.kind === 'stream' || target?.kind === 'redirect')
      remoteOutputs.push({ url: links.output(entry.path), size: entry.size });
  }
  return { outputs, remoteOutputs };
}

/** The regular files under `dir` (symlinks not followed), by their paths under `prefix`; undefined when there is no such dir. */
async function heldFiles(dir: string, prefix: string): Promise<HeldFile[] | undefined> {
  const relative = await walk(dir, '');
  return relative && Promise.all(relative.sort().map((file) => heldFile(path.join(dir, file), `${prefix}${file}`)));
}

async function walk(root: string, dir: string): Promise<string[] | undefined> {
  let children;
  try {
    children = await readdir(path.join(root, dir), { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const files: string[] = [];
  for (const child of children) {
    const relative = dir === '' ? child.name : `${dir}/${child.name}`;
    if (child.isDirectory()) files.push(...((await walk(root, relative)) ?? []));
    else if (child.isFile()) files.push(relative);
  }
  return files;
}

async function heldFile(file: string, cratePath: string): Promise<HeldFile> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return { path: cratePath, file, size: (await stat(file)).size, sha256: hash.digest('hex') };
}

async function allTasks(runStore: RunStore, runId: string): Promise<TaskRow[]> {
  const tasks: TaskRow[] = [];
  let pageToken: string | undefined;
  do {
    const page = await runStore.listTasks(runId, { pageSize: TASK_PAGE, pageToken });
    tasks.push(...page.tasks);
    pageToken = page.nextPageToken || undefined;
  } while (pageToken);
  return tasks;
}

/**
 * The engine as the run's log names it (or the request), and its version: the one the request asked
 * for, else the default its provider reports (listed first: docs/design.md, "Engine versions").
 */
async function engineOf(registry: DescriptorRegistry, row: RunRow): Promise<EngineInfo | undefined> {
  const name = row.runLog.name ?? row.request.workflow_engine;
  if (!name) return undefined;
  if (row.request.workflow_engine_version) return { name, version: row.request.workflow_engine_version };
  const versions = row.provider === undefined ? undefined : (await registry.capabilities()).get(row.provider)?.engineVersions[name];
  return versions?.[0] === undefined ? { name } : { name, version: versions[0] };
}

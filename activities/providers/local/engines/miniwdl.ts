/**
 * miniwdl, for WDL 1.0 and 1.1 (docs/design.md, "WDL through miniwdl"). The run's outputs dir is
 * miniwdl's run directory: its `out/` holds the workflow's output files (hard links, so that they
 * are regular files the API lists and serves), each call's dir its command, stdout and stderr; its
 * `workflow.log.json` (with --log-json) is its report of the calls (miniwdl-jobs.ts).
 */
import { lstat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isLosslessNumber, parseExactJson } from '../../../../domain/exact-json';
import { isInside, realpathOrUndefined } from '../../../paths';
import { readFileIfExists } from '../../../work-dir';
import type { Containers } from '../settings';
import type { LocalEngine } from './engine';
import { miniwdlJobs } from './miniwdl-jobs';

/** Written beside the inputs file (stagedFiles). */
const CONFIG_FILE = 'miniwdl.cfg';
/** miniwdl's structured log in its run directory, with --log-json. */
export const MINIWDL_LOG = 'workflow.log.json';

/** miniwdl's container backend for the provider's containers setting; `bare` is the miniwdl-backend-bare plugin. */
const BACKENDS: Record<Containers, { backend: string; exe?: string }> = {
  none: { backend: 'bare' },
  docker: { backend: 'docker_swarm' },
  // Its default runs `sudo -n podman`: the run's user has no sudo.
  podman: { backend: 'podman', exe: 'podman' },
  singularity: { backend: 'singularity', exe: 'singularity' },
  // The singularity backend, running Apptainer's own command.
  apptainer: { backend: 'singularity', exe: 'apptainer' },
};

/**
 * The run's configuration: the container backend, and nothing kept or fetched outside the run
 * (call and download caches off: they live under HOME and /tmp, shared by nobody in a sandbox).
 */
export function miniwdlConfig(containers: Containers): string {
  const { backend, exe } = BACKENDS[containers];
  const lines = [
    '[scheduler]',
    `container_backend = ${backend}`,
    '[file_io]',
    'output_hardlinks = true',
    '[call_cache]',
    'get = false',
    'put = false',
    '[download_cache]',
    'get = false',
    'put = false',
  ];
  if (exe) lines.push(`[${backend}]`, `exe = ${JSON.stringify([exe])}`);
  return `${lines.join('\n')}\n`;
}

export const MINIWDL: LocalEngine = {
  name: 'miniwdl',
  workflowTypes: { WDL: ['1.0', '1.1'] },
  releases: { default: '1.16.0', pip: { '1.16.0': ['miniwdl==1.16.0', 'miniwdl-backend-bare==0.0.1'] } },
  fileInputs: 'paths',
  parameters: {
    '--verbose': { flag: true },
    '--copy-input-files': { flag: true },
    '--no-quant-check': { flag: true },
  },
  stagedFiles: ({ containers }) => ({ [CONFIG_FILE]: miniwdlConfig(containers) }),
  command: ({ executable, workflow, inputsFile, outputsDir, parameters }) => [
    executable,
    'run',
    workflow,
    '--input',
    inputsFile,
    '--cfg',
    path.join(path.dirname(inputsFile), CONFIG_FILE),
    // `.` at the end: this very dir, not a new timestamped one inside it.
    '--dir',
    `${outputsDir}${path.sep}.`,
    '--no-color',
    '--log-json',
    ...parameters,
  ],
  helperFiles: [],
  // miniwdl's outputs.json: `wf.x` keys as in its input JSON, a File an absolute path under out/.
  async outputs(_stdoutFile, { outputsDir }) {
    let parsed: unknown;
    try {
      parsed = parseExactJson(await readFile(path.join(outputsDir, 'outputs.json'), 'utf8'));
    } catch {
      return {};
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    return (await asFileObjects(parsed, outputsDir)) as Record<string, unknown>;
  },
  async jobs({ outputsDir }) {
    return miniwdlJobs((await readFileIfExists(path.join(outputsDir, MINIWDL_LOG))) ?? '', outputsDir);
  },
};

/**
 * `value` with each path of a file under miniwdl's `out/` made a CWL File object, as the API links
 * them to /outputs (docs/design.md, "Outputs"). The run wrote outputs.json: a path is taken only
 * when it is a regular file whose real path lies in the outputs dir, which the API serves.
 */
async function asFileObjects(value: unknown, outputsDir: string): Promise<unknown> {
  if (Array.isArray(value)) return Promise.all(value.map((item) => asFileObjects(item, outputsDir)));
  if (value !== null && typeof value === 'object' && !isLosslessNumber(value)) {
    const entries = await Promise.all(
      Object.entries(value).map(async ([key, item]) => [key, await asFileObjects(item, outputsDir)] as const),
    );
    return Object.fromEntries(entries);
  }
  if (typeof value !== 'string' || !path.isAbsolute(value) || !isInside(value, path.join(outputsDir, 'out'))) return value;
  const real = await realpathOrUndefined(value);
  const realOutputs = await realpathOrUndefined(outputsDir);
  if (real === undefined || realOutputs === undefined || !isInside(real, realOutputs)) return value;
  const info = await lstat(real);
  if (!info.isFile()) return value;
  return { class: 'File', location: pathToFileURL(real).href, basename: path.basename(real), size: info.size };
}

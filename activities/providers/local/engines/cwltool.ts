/** cwltool, the CWL reference runner; its warm start is cwltool-warm.ts. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseExactJson } from '../../../../domain/exact-json';
import { readFileIfExists } from '../../../work-dir';
import { cwltoolJobs } from './cwltool-jobs';
import type { LocalEngine } from './engine';
import type { Containers } from '../settings';

/**
 * cwltool's flags for the provider's containers setting (docs/deployment.md, "Containers"). Docker is
 * its default; `--singularity` runs the `singularity` command, which Apptainer installs too (cwltool
 * tells the two apart by its `--version`).
 */
export const CWLTOOL_CONTAINER_FLAGS: Record<Containers, string[]> = {
  none: ['--no-container'],
  docker: [],
  podman: ['--podman'],
  singularity: ['--singularity'],
  apptainer: ['--singularity'],
};

export const CWLTOOL: LocalEngine = {
  name: 'cwltool',
  workflowTypes: { CWL: ['v1.0', 'v1.1', 'v1.2'] },
  // The current release; and the one Debian 12 ships, which runs cold only (cwltool-warm.ts).
  releases: {
    default: '3.3.20260925135507',
    pip: {
      '3.3.20260925135507': ['cwltool==3.3.20260925135507'],
      '3.1.20230209161050': ['cwltool==3.1.20230209161050'],
    },
  },
  fileInputs: 'locations',
  parameters: {
    '--parallel': { flag: true },
    '--timestamps': { flag: true },
    '--debug': { flag: true },
    '--strict-memory-limit': { flag: true },
    '--on-error': { pattern: /^(stop|continue)$/, describe: 'stop or continue' },
    // What cwltest gives any cwl-runner, which a WES client forwards: where the client puts outputs
    // and how much it prints. The service chooses the engine's own directories itself.
    '--outdir': { clientOnly: true },
    '--quiet': { clientOnly: true },
    '--tmpdir-prefix': { clientOnly: true },
    '--tmp-outdir-prefix': { clientOnly: true },
  },
  takesFragment: true,
  command: ({ executable, workflow, inputsFile, outputsDir, scratchDir, jobsDir, parameters, passedEnv, containers }) => [
    executable,
    '--disable-color',
    ...CWLTOOL_CONTAINER_FLAGS[containers],
    // cwltool gives its tools PATH, HOME and TMPDIR only, unless told.
    ...passedEnv.flatMap((name) => ['--preserve-environment', name]),
    // Its log is its report of its jobs (cwltool-jobs.ts): timed, with each job's stdout and stderr kept.
    '--timestamps',
    '--log-dir',
    jobsDir,
    '--outdir',
    outputsDir,
    // A trailing separator makes cwltool create its temp dirs inside the scratch dir, not beside it.
    '--tmpdir-prefix',
    scratchDir + path.sep,
    '--tmp-outdir-prefix',
    scratchDir + path.sep,
    ...parameters,
    workflow,
    inputsFile,
  ],
  helperFiles: [],
  // cwltool prints the CWL output object on stdout.
  async outputs(stdoutFile) {
    try {
      const parsed: unknown = parseExactJson(await readFile(stdoutFile, 'utf8'));
      return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  },
  async jobs({ stderrFile, jobsDir }) {
    return cwltoolJobs((await readFileIfExists(stderrFile)) ?? '', jobsDir);
  },
};

/**
 * The local provider's containers setting as each engine's command line says it (docs/deployment.md,
 * "Containers"); only `none` and `podman` can run on the test machine, the rest are checked here.
 */
import { CWLTOOL } from '../activities/providers/local/engines/cwltool';
import type { EngineCommandInput } from '../activities/providers/local/engines/engine';
import { MINIWDL, miniwdlConfig } from '../activities/providers/local/engines/miniwdl';
import { SNAKEMAKE } from '../activities/providers/local/engines/snakemake';
import { describeContainers } from '../activities/providers/local/containers';
import { localSettings, type Containers } from '../activities/providers/local/settings';

const input = (containers: Containers, version = '1'): EngineCommandInput => ({
  executable: 'engine',
  version,
  containers,
  workDir: '/w',
  workflow: '/w/main',
  inputsFile: '/w/staging/inputs.json',
  outputsDir: '/w/outputs',
  scratchDir: '/w/tmp',
  jobsDir: '/w/jobs',
  parameters: [],
  passedEnv: [],
});

test.each([
  ['none', ['--no-container']],
  ['docker', []],
  ['podman', ['--podman']],
  ['singularity', ['--singularity']],
  ['apptainer', ['--singularity']],
] as const)('cwltool with containers %s: %j', (containers, flags) => {
  const argv = CWLTOOL.command(input(containers));
  const own = ['--no-container', '--podman', '--singularity'];
  expect(argv.filter((arg) => own.includes(arg))).toEqual(flags);
});

test.each([
  ['none', '9.27.1', []],
  ['docker', '9.27.1', []],
  ['podman', '9.27.1', []],
  ['singularity', '9.27.1', ['--software-deployment-method', 'apptainer']],
  ['apptainer', '9.27.1', ['--software-deployment-method', 'apptainer']],
  ['singularity', '7.32.4', ['--use-singularity']],
  ['apptainer', '7.32.4', ['--use-singularity']],
] as const)('snakemake %s with containers %s: %j', (containers, version, flags) => {
  const argv = SNAKEMAKE.command(input(containers, version));
  expect(argv.slice(1, 1 + flags.length)).toEqual(flags);
  expect(argv.filter((arg) => ['--software-deployment-method', '--use-singularity', '--sdm'].includes(arg))).toHaveLength(
    flags.length ? 1 : 0,
  );
});

test.each([
  ['none', 'bare', undefined],
  ['docker', 'docker_swarm', undefined],
  ['podman', 'podman', '[podman]\nexe = ["podman"]'],
  ['singularity', 'singularity', '[singularity]\nexe = ["singularity"]'],
  ['apptainer', 'singularity', '[singularity]\nexe = ["apptainer"]'],
] as const)('miniwdl with containers %s: the %s backend', (containers, backend, exe) => {
  const config = miniwdlConfig(containers);
  expect(config).toContain(`[scheduler]\ncontainer_backend = ${backend}\n`);
  if (exe) expect(config).toContain(exe);
  else expect(config).not.toMatch(/^exe = /m);
  expect(MINIWDL.stagedFiles?.(input(containers))).toEqual({ 'miniwdl.cfg': config });
  const argv = MINIWDL.command(input(containers));
  expect(argv.slice(argv.indexOf('--cfg'), argv.indexOf('--cfg') + 2)).toEqual(['--cfg', '/w/staging/miniwdl.cfg']);
});

test('the setting is none unless set, one of the five, and service-info says what Snakemake does with it', () => {
  const parse = (extra: object) => localSettings({}).safeParse({ kind: 'local', ...extra });
  expect(parse({}).data?.containers).toBe('none');
  expect(parse({ containers: 'podman' }).data?.containers).toBe('podman');
  expect(parse({ containers: 'rkt' }).error?.issues[0].message).toBe('must be one of none, docker, podman, singularity, apptainer');
  expect(describeContainers('podman')).toContain('Snakemake without containers');
  expect(describeContainers('apptainer')).toContain('Snakemake with apptainer');
});

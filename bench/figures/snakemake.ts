/**
 * Figure 10: what the service costs a Snakemake project. examples/snakemake-project sent as a
 * client sends a project (every file a workflow_attachment, workflow_params as config overrides),
 * POST to COMPLETE through the API, local provider, against bare `snakemake` of the same version run
 * in a checkout of the same project with the same overrides and the flags the local provider
 * passes, interleaved.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Failures, type Figure } from '../lib/figure';
import { measure } from '../lib/report';
import { alternate } from '../lib/schedule';
import { summarize } from '../lib/stats';
import { REPO_ROOT } from '../lib/temporal-dev';
import { now, timed } from '../lib/time';

const RUNS = 10;
const PROJECT = path.join(REPO_ROOT, 'examples', 'snakemake-project');
const OVERRIDES = { greeting: 'bench', samples: { c: 'data/c.txt' } };
const SNAKEMAKE_TIMEOUT_MS = 120_000;

/** The project's files, by their paths in it: the attachments. */
function projectFiles(dir = PROJECT): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory() ? Object.entries(projectFiles(full)) : [[path.relative(PROJECT, full), full]];
    }),
  );
}

/** One bare run in a fresh checkout of the project (made before the clock starts), as a user runs it. */
async function bareSnakemake(executable: string): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-snakemake-'));
  try {
    cpSync(PROJECT, dir, { recursive: true });
    const overrides = path.join(dir, 'overrides.json');
    writeFileSync(overrides, JSON.stringify(OVERRIDES));
    const args = ['--configfile', overrides, '--nocolor', '--cores', '1'];
    return (await timed(() => promisify(execFile)(executable, args, { cwd: dir, timeout: SNAKEMAKE_TIMEOUT_MS }))).ms;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const snakemake: Figure = {
  name: 'snakemake',
  title: 'Overhead on a local Snakemake project against bare snakemake',
  async run(context) {
    const failures = new Failures();
    const attachments = projectFiles();
    const samples = { wes: [] as number[], snakemake: [] as number[] };
    /** The Snakemake the service ran, as its run log names it: the bare runs use the same. */
    let executable: string | undefined;
    const wesSample = async () => {
      try {
        const started = now();
        const runId = await context.wes.submitForm(
          { workflow_type: 'SMK', workflow_type_version: '1.0', workflow_url: 'workflow/Snakefile', workflow_params: OVERRIDES },
          attachments,
        );
        const state = await context.wes.waitTerminal(runId);
        if (state === 'COMPLETE') samples.wes.push(now() - started);
        else failures.add(`${runId} ended ${state}`);
        const log = (await (await fetch(`${context.wes.base}/runs/${runId}`)).json()) as { run_log?: { cmd?: string[] } };
        executable ??= log.run_log?.cmd?.[0];
      } catch (err) {
        failures.add(`durable-wes run: ${(err as Error).message}`);
      }
    };
    const bareSample = async () => {
      try {
        if (!executable) throw new Error('the run log named no engine command');
        samples.snakemake.push(await bareSnakemake(executable));
      } catch (err) {
        failures.add(`bare snakemake: ${(err as Error).message}`);
      }
    };

    // Unmeasured: Snakemake's first start reads its modules from a cold disk cache, on both sides.
    await alternate(1, wesSample, bareSample);
    const version = executable ? (await promisify(execFile)(executable, ['--version'])).stdout.trim() : 'unknown';
    samples.wes.length = 0;
    samples.snakemake.length = 0;
    await alternate(RUNS, wesSample, bareSample);

    const wes = summarize(samples.wes);
    const bare = summarize(samples.snakemake);
    return {
      measures: [
        measure({
          name: `Snakemake ${version} project (4 jobs), POST to COMPLETE, median`,
          unit: 'ms',
          value: wes.p50,
          baseline: { name: `bare snakemake ${version}, same project and overrides, median`, value: bare.p50 },
        }),
      ],
      failures: failures.all,
      details: { runs: RUNS, version, executable, wes_ms: wes, snakemake_ms: bare, overhead_ms: Math.round(wes.p50 - bare.p50) },
    };
  },
};

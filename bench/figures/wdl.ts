/**
 * Figure 11: a WDL run's overhead. The WDL 1.0 scatter of examples/wdl-scatter POST to COMPLETE
 * through the API, local provider (miniwdl in the run's sandbox), against bare `miniwdl run` spawned
 * by the bench on the same file and inputs with the configuration the local provider writes
 * (engines/miniwdl.ts: the bare backend), interleaved.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { MINIWDL, miniwdlConfig } from '../../activities/providers/local/engines/miniwdl';
import { Failures, type Figure } from '../lib/figure';
import { measure } from '../lib/report';
import { alternate } from '../lib/schedule';
import { summarize } from '../lib/stats';
import { REPO_ROOT } from '../lib/temporal-dev';
import { timed } from '../lib/time';

const RUNS = 10;
const MINIWDL_TIMEOUT_MS = 120_000;
const SCATTER_WDL = path.join(REPO_ROOT, 'examples', 'wdl-scatter', 'scatter.wdl');
const INPUTS = {
  'count_lines.words': path.join(REPO_ROOT, 'examples', 'wdl-scatter', 'words.txt'),
  'count_lines.prefixes': ['a', 'b', 'c'],
};
const EXECUTABLE = path.join(REPO_ROOT, '.cache', 'engines', `miniwdl-${MINIWDL.releases.default}`, 'bin', 'miniwdl');

/** One bare miniwdl run in a dir of its own, with the local provider's command line and configuration. */
async function bareMiniwdl(): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-miniwdl-'));
  try {
    const inputsFile = path.join(dir, 'inputs.json');
    writeFileSync(inputsFile, JSON.stringify(INPUTS));
    writeFileSync(path.join(dir, 'miniwdl.cfg'), miniwdlConfig('none'));
    const [executable, ...args] = MINIWDL.command({
      executable: EXECUTABLE,
      version: MINIWDL.releases.default,
      containers: 'none',
      workDir: dir,
      workflow: SCATTER_WDL,
      inputsFile,
      outputsDir: path.join(dir, 'outputs'),
      scratchDir: path.join(dir, 'tmp'),
      jobsDir: path.join(dir, 'jobs'),
      parameters: [],
      passedEnv: [],
    });
    return (await timed(() => promisify(execFile)(executable, args, { cwd: dir, timeout: MINIWDL_TIMEOUT_MS }))).ms;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const wdl: Figure = {
  name: 'wdl',
  title: 'Overhead on a local WDL run against bare miniwdl',
  async run(context) {
    const failures = new Failures();
    const samples = { wes: [] as number[], miniwdl: [] as number[] };
    const wesSample = async () => {
      try {
        const request = { workflow_type: 'WDL', workflow_type_version: '1.0', workflow_url: SCATTER_WDL, workflow_params: INPUTS };
        const sample = await context.wes.run(request);
        if (sample.state === 'COMPLETE') samples.wes.push(sample.ms);
        else failures.add(`${sample.runId} ended ${sample.state}`);
      } catch (err) {
        failures.add(`durable-wes run: ${(err as Error).message}`);
      }
    };
    const miniwdlSample = async () => {
      try {
        samples.miniwdl.push(await bareMiniwdl());
      } catch (err) {
        failures.add(`bare miniwdl: ${(err as Error).message}`);
      }
    };

    // Unmeasured: the first start of miniwdl's Python reads it from a cold disk cache, on both sides.
    await alternate(1, miniwdlSample, wesSample);
    samples.wes.length = 0;
    samples.miniwdl.length = 0;
    await alternate(context.quick ? 2 : RUNS, wesSample, miniwdlSample);

    const wes = summarize(samples.wes);
    const miniwdl = summarize(samples.miniwdl);
    return {
      measures: [
        measure({
          name: 'WDL 1.0 scatter (3 shards and a join), POST to COMPLETE, median',
          unit: 'ms',
          value: wes.p50,
          baseline: { name: 'bare miniwdl run, same file, inputs and configuration, median', value: miniwdl.p50 },
        }),
      ],
      failures: failures.all,
      details: { runs: RUNS, wes_ms: wes, miniwdl_ms: miniwdl, overhead_ms: Math.round(wes.p50 - miniwdl.p50) },
    };
  },
};

/**
 * Figure 2: what durability costs a real (if tiny) workflow. hello-world CWL POST to COMPLETE
 * through the API, local provider, against bare cwltool spawned by the bench on the same file and
 * inputs with the flags the local provider passes, interleaved.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Failures, type Figure } from '../lib/figure';
import { measure } from '../lib/report';
import { alternate } from '../lib/schedule';
import { summarize } from '../lib/stats';
import { timed } from '../lib/time';
import { HELLO_CWL, helloWorldRun } from '../lib/wes-client';

const RUNS = 10;
const MESSAGE = 'bench';
const CWLTOOL_TIMEOUT_MS = 120_000;

/** One bare cwltool run in a scratch dir of its own, as the local provider gives each run. */
async function bareCwltool(): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-cwltool-'));
  try {
    const inputs = path.join(dir, 'inputs.json');
    writeFileSync(inputs, JSON.stringify({ message: MESSAGE }));
    const scratch = path.join(dir, 'tmp') + path.sep;
    const args = [
      '--disable-color',
      '--outdir',
      path.join(dir, 'out'),
      '--tmpdir-prefix',
      scratch,
      '--tmp-outdir-prefix',
      scratch,
      HELLO_CWL,
      inputs,
    ];
    return (await timed(() => promisify(execFile)('cwltool', args, { timeout: CWLTOOL_TIMEOUT_MS }))).ms;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const overhead: Figure = {
  name: 'overhead',
  title: 'Overhead on a local CWL run against bare cwltool',
  async run(context) {
    const failures = new Failures();
    const samples = { wes: [] as number[], cwltool: [] as number[] };
    const wesSample = async () => {
      try {
        const sample = await context.wes.run(helloWorldRun(MESSAGE));
        if (sample.state === 'COMPLETE') samples.wes.push(sample.ms);
        else failures.add(`${sample.runId} ended ${sample.state}`);
      } catch (err) {
        failures.add(`durable-wes run: ${(err as Error).message}`);
      }
    };
    const cwltoolSample = async () => {
      try {
        samples.cwltool.push(await bareCwltool());
      } catch (err) {
        failures.add(`bare cwltool: ${(err as Error).message}`);
      }
    };

    // Unmeasured: cwltool's first start reads its schemas from a cold disk cache, on both sides.
    await alternate(1, cwltoolSample, wesSample);
    samples.wes.length = 0;
    samples.cwltool.length = 0;
    await alternate(RUNS, wesSample, cwltoolSample);

    const wes = summarize(samples.wes);
    const cwltool = summarize(samples.cwltool);
    return {
      measures: [
        measure({
          name: 'hello-world CWL, POST to COMPLETE, median',
          unit: 'ms',
          value: wes.p50,
          baseline: { name: 'bare cwltool, same file and inputs, median', value: cwltool.p50 },
          // The warm cwltool in the run's sandbox against a cold bare one (docs/benchmarks.md, figure 2).
          target: { on: 'ratio', op: '<=', limit: 0.5 },
        }),
      ],
      failures: failures.all,
      details: { runs: RUNS, wes_ms: wes, cwltool_ms: cwltool, overhead_ms: Math.round(wes.p50 - cwltool.p50) },
    };
  },
};

/**
 * What durability costs a local run: the hello-world CWL workflow run N times by bare `cwltool`
 * (the baseline, in this same process tree) and N times as durable-wes runs (workflow, worker,
 * local provider, read-model projections, on a real Temporal dev server and PostgreSQL).
 * Reports wall times and the ratio to the baseline; writes bench/results/local-overhead.json.
 *
 *   npm run bench [-- --runs 10]
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestPostgres, writeTestBundle } from '../test/support/global-setup';
import { createHarness, EXAMPLES } from '../test/support/harness';
import { startTemporalServer } from '../test/support/temporal-server';

const HELLO = path.join(EXAMPLES, 'hello-world', 'hello.cwl');

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const mean = samples.reduce((sum, x) => sum + x, 0) / samples.length;
  return { median_ms: Math.round(median), mean_ms: Math.round(mean), min_ms: Math.round(sorted[0]), max_ms: Math.round(sorted.at(-1)!) };
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

async function bareCwltool(): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-cwltool-'));
  try {
    writeFileSync(path.join(dir, 'inputs.json'), JSON.stringify({ message: 'bench' }));
    return await timed(() =>
      promisify(execFile)('cwltool', ['--disable-color', '--outdir', path.join(dir, 'out'), HELLO, path.join(dir, 'inputs.json')]),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 10;
  const temporal = await startTemporalServer();
  const stopPostgres = await startTestPostgres();
  process.env.TEMPORAL_ADDRESS = temporal.address;
  await writeTestBundle();
  const h = await createHarness();
  try {
    // One of each first, unmeasured: imports and caches warm up on both sides alike.
    await bareCwltool();
    await (await h.start({ workflow_type: 'CWL', workflow_type_version: 'v1.2', workflow_url: HELLO, workflow_params: { message: 'warm-up' } }, { provider: 'local' })).result();

    const baseline: number[] = [];
    const durable: number[] = [];
    for (let i = 0; i < runs; i++) {
      baseline.push(await bareCwltool());
      durable.push(
        await timed(async () => {
          const handle = await h.start(
            { workflow_type: 'CWL', workflow_type_version: 'v1.2', workflow_url: HELLO, workflow_params: { message: `bench ${i}` } },
            { provider: 'local' },
          );
          const result = await handle.result();
          if (result.state !== 'succeeded') throw new Error(`run ${handle.workflowId} ended ${result.state}: ${result.error}`);
        }),
      );
    }
    const base = stats(baseline);
    const ours = stats(durable);
    const report = {
      benchmark: 'local-overhead',
      when: new Date().toISOString(),
      machine: { cpus: os.cpus().length, node: process.version },
      runs,
      baseline: { name: 'bare cwltool, hello-world CWL', ...base },
      durable_wes: { name: 'durable-wes run (submit to result), local provider, hello-world CWL', ...ours },
      ratio_median: Number((ours.median_ms / base.median_ms).toFixed(3)),
      overhead_median_ms: ours.median_ms - base.median_ms,
    };
    const out = path.join(__dirname, 'results');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'local-overhead.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.log(JSON.stringify(report, null, 2));
  } finally {
    await h.stop();
    await temporal.teardown();
    await stopPostgres();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

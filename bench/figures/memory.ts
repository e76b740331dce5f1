/**
 * Figure 7: the worker's resident memory through bursts of runs waiting for input. For each burst
 * size, that many waiting runs are submitted through the API by 20 clients until all are PAUSED,
 * then all of them are resumed at once and followed until COMPLETE. The worker's RSS is read every
 * 100 ms throughout: the peak while submitting and while resuming, and the settled value (median of
 * a few readings a second apart, after a pause) with the burst waiting and after it has finished.
 * The baseline is the worker's RSS with no run waiting, in the same run. The worker sizes its
 * workflow cache and concurrency from the host's memory (docs/deployment.md, "Memory").
 */
import { Failures, type Figure } from '../lib/figure';
import { measure, type Measure } from '../lib/report';
import { RssSampler, rssMiB, SAMPLE_MS, type PhasePeak } from '../lib/rss';
import { median } from '../lib/stats';
import { sleep } from '../lib/time';
import { makeWaitingRuns, pausedRuns, resumeAll, runsIn } from '../lib/waiting-runs';

const FULL_BURSTS = [1_000, 10_000];
const QUICK_BURSTS = [20, 50];

/** BENCH_MEMORY_BURSTS=1000 measures other burst sizes (e.g. to iterate on the worker's settings). */
function bursts(quick: boolean): number[] {
  const given = process.env.BENCH_MEMORY_BURSTS;
  if (!given) return quick ? QUICK_BURSTS : FULL_BURSTS;
  const parsed = given.split(',').map(Number);
  if (!parsed.every((n) => Number.isInteger(n) && n > 0))
    throw new Error(`BENCH_MEMORY_BURSTS: expected counts such as 1000,10000, got ${given}`);
  return parsed;
}
const CLIENTS = 20;
const READINGS = 5;
/** Time for the last runs' activations to settle before RSS is read. */
const SETTLE_MS = 3_000;
/** Per 1,000 runs: about 10 runs/s reach PAUSED on this 2-core machine, 4/s when it is loaded; resumes are faster. */
const TIMEOUT_PER_1000_MS = 300_000;
/** The 500 MB, in the MiB that /proc reports. */
const TARGET_WORKER_MIB = Math.round((500e6 / 2 ** 20) * 10) / 10;

interface Burst {
  runs: number;
  submitting: PhasePeak;
  /** Settled RSS with the burst's runs waiting, worker and API. */
  waiting: { worker: number; api: number };
  resuming: PhasePeak;
  /** Resumes answered 503 at first (Temporal did not take them in time) and sent again. */
  resumesRetried: number;
  /** Settled RSS once the burst's runs have completed. */
  after: { worker: number; api: number };
}

async function settled(pids: { worker: number; api: number }): Promise<{ worker: number; api: number }> {
  await sleep(SETTLE_MS);
  const readings = { worker: [] as number[], api: [] as number[] };
  for (let i = 0; i < READINGS; i++) {
    readings.worker.push(rssMiB(pids.worker));
    readings.api.push(rssMiB(pids.api));
    await sleep(1_000);
  }
  return { worker: median(readings.worker), api: median(readings.api) };
}

const timeoutFor = (runs: number) => Math.max(60_000, (runs / 1000) * TIMEOUT_PER_1000_MS);

export const memory: Figure = {
  name: 'memory',
  title: 'Worker memory through bursts of runs waiting for input',
  async run(context) {
    const { wes, product, quick } = context;
    const failures = new Failures();
    const pids = { worker: product.servicePid('worker'), api: product.servicePid('API') };
    const idle = await settled(pids);
    console.log(`  idle: worker ${idle.worker} MiB, API ${idle.api} MiB`);
    const sampler = new RssSampler(pids.worker);
    const done: Burst[] = [];
    sampler.start();
    try {
      for (const runs of bursts(quick)) {
        try {
          const paused = await pausedRuns(wes);
          const complete = await runsIn(wes, 'COMPLETE');
          const submitting = await sampler.during(() => makeWaitingRuns(wes, runs, paused + runs, CLIENTS, timeoutFor(runs)));
          const waiting = await settled(pids);
          console.log(`  ${runs} submitted: worker peak ${submitting.peak} MiB (${submitting.seconds} s), settled ${waiting.worker} MiB`);
          const resuming = await sampler.during(() => resumeAll(wes, submitting.value, complete + runs, timeoutFor(runs)));
          const after = await settled(pids);
          console.log(
            `  ${runs} resumed at once: worker peak ${resuming.peak} MiB (${resuming.seconds} s), settled ${after.worker} MiB; ${resuming.value} resumes tried again after a 503`,
          );
          const { value: _ids, ...submitPeak } = submitting;
          const { value: resumesRetried, ...resumePeak } = resuming;
          done.push({ runs, submitting: submitPeak, waiting, resuming: resumePeak, resumesRetried, after });
        } catch (err) {
          failures.add(`burst of ${runs}: ${(err as Error).message}`);
          break;
        }
      }
    } finally {
      sampler.stop();
    }

    const baseline = { name: 'worker RSS with no run waiting', value: idle.worker };
    const target = { on: 'value', op: '<=', limit: TARGET_WORKER_MIB } as const;
    // A reading every 100 ms can miss the top of a spike (or fall behind on a loaded machine): the kernel's mark counts too.
    const highest = (phase: PhasePeak) => Math.max(phase.peak, phase.highWater ?? 0);
    const measures: Measure[] = done.flatMap(({ runs, submitting, waiting, resuming, after }) => {
      const n = runs.toLocaleString('en-US');
      return [
        measure({
          name: `worker peak RSS while ${n} waiting runs are submitted`,
          unit: 'MiB',
          value: highest(submitting),
          baseline,
          target,
        }),
        measure({ name: `worker RSS settled with ${n} runs waiting`, unit: 'MiB', value: waiting.worker, baseline, target }),
        measure({
          name: `worker peak RSS while ${n} waiting runs are resumed at once`,
          unit: 'MiB',
          value: highest(resuming),
          baseline,
          target,
        }),
        measure({ name: `worker RSS settled after the ${n} runs completed`, unit: 'MiB', value: after.worker, baseline, target }),
        measure({
          name: `API RSS settled with ${n} runs waiting`,
          unit: 'MiB',
          value: waiting.api,
          baseline: { name: 'API RSS with no run waiting', value: idle.api },
        }),
      ];
    });
    const charts =
      sampler.timeline.length > 1
        ? [
            {
              title: 'Worker RSS through bursts of submits and resumes',
              file: await context.chart('memory-rss.svg', {
                title: `Worker RSS, highest reading of each second (bursts of ${done.map((b) => b.runs).join(', ')} runs)`,
                x_label: 'seconds',
                y_label: 'RSS (MiB)',
                series: [{ name: 'worker', x: sampler.timeline.map(([s]) => s), y: sampler.timeline.map(([, mib]) => mib) }],
              }),
            },
          ]
        : [];
    return {
      measures,
      failures: failures.all,
      details: { sample_ms: SAMPLE_MS, clients: CLIENTS, idle, bursts: done, worker_env: workerEnv(product.env) },
      charts,
    };
  },
};

/** The worker settings the bench passed on to the product, so that results of different settings can be told apart. */
function workerEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[0].startsWith('WES_WORKER_') && !!entry[1]),
  );
}

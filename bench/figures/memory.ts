/**
 * Figure 7: the worker's and the API's resident memory as runs waiting for input pile up. At each
 * count, waiting runs are added through the API until that many are PAUSED, then RSS is read from
 * /proc for each process, median of a few readings a second apart. The baseline is each process's
 * RSS with no run waiting, in the same run. The worker keeps at most WES_WORKER_CACHE workflows in
 * memory (default 250): past that, memory should stay flat however many runs wait.
 */
import { Failures, type Figure } from '../lib/figure';
import { measure } from '../lib/report';
import { rssMiB } from '../lib/rss';
import { median } from '../lib/stats';
import { sleep } from '../lib/time';
import { makeWaitingRuns, pausedRuns } from '../lib/waiting-runs';

const FULL_COUNTS = [0, 1_000, 2_500, 5_000, 10_000];
const QUICK_COUNTS = [0, 20, 50];

/** BENCH_MEMORY_COUNTS=0,300,600 measures at other counts (e.g. to compare WES_WORKER_CACHE settings). */
function counts(quick: boolean): number[] {
  const given = process.env.BENCH_MEMORY_COUNTS;
  if (!given) return quick ? QUICK_COUNTS : FULL_COUNTS;
  const parsed = given.split(',').map(Number);
  if (!parsed.every((n, i) => Number.isInteger(n) && n >= 0 && (i === 0 || n > parsed[i - 1])))
    throw new Error(`BENCH_MEMORY_COUNTS: expected growing counts, e.g. 0,300,600, got ${given}`);
  return parsed;
}
const CLIENTS = 20;
const READINGS = 5;
/** Time for the last runs' activations to settle before RSS is read. */
const SETTLE_MS = 3_000;
/** Per 1,000 runs: about 10 runs/s reach PAUSED on this 2-core machine, 4/s when it is loaded. */
const TIMEOUT_PER_1000_MS = 300_000;
/** The 500 MB, in the MiB that /proc reports. */
const TARGET_WORKER_MIB = Math.round((500e6 / 2 ** 20) * 10) / 10;

const SERVICES = { worker: 'worker', api: 'API' } as const;
type Service = keyof typeof SERVICES;

export const memory: Figure = {
  name: 'memory',
  title: 'Memory with runs waiting for input',
  async run(context) {
    const { wes, product, quick } = context;
    const failures = new Failures();
    const already = await pausedRuns(wes);
    const curve: Array<{ waiting: number } & Record<Service, number>> = [];
    for (const count of counts(quick)) {
      const missing = count - (curve.at(-1)?.waiting ?? 0);
      try {
        if (missing > 0)
          await makeWaitingRuns(wes, missing, already + count, CLIENTS, Math.max(60_000, (missing / 1000) * TIMEOUT_PER_1000_MS));
      } catch (err) {
        failures.add(`${count} waiting runs: ${(err as Error).message}`);
        break;
      }
      await sleep(SETTLE_MS);
      const readings: Record<Service, number[]> = { worker: [], api: [] };
      for (let i = 0; i < READINGS; i++) {
        for (const service of Object.keys(SERVICES) as Service[]) readings[service].push(rssMiB(product.servicePid(SERVICES[service])));
        await sleep(1_000);
      }
      curve.push({ waiting: count, worker: median(readings.worker), api: median(readings.api) });
      console.log(`  ${count} runs waiting: worker ${median(readings.worker)} MiB, API ${median(readings.api)} MiB`);
    }

    const first = curve.at(0);
    const last = curve.at(-1);
    const peak = curve.reduce((highest, point) => (point.worker > highest.worker ? point : highest), curve[0]);
    const workerCache = product.env.WES_WORKER_CACHE ?? '250 (default)';
    const charts =
      curve.length > 1
        ? [
            {
              title: 'Resident memory as runs waiting for input grow',
              file: await context.chart('memory-rss.svg', {
                title: `RSS with runs waiting for input (WES_WORKER_CACHE ${workerCache})`,
                x_label: 'runs waiting (PAUSED)',
                y_label: 'RSS (MiB)',
                series: (Object.keys(SERVICES) as Service[]).map((service) => ({
                  name: SERVICES[service],
                  x: curve.map((p) => p.waiting),
                  y: curve.map((p) => p[service]),
                })),
              }),
            },
          ]
        : [];
    const measures =
      first && last && last !== first
        ? [
            measure({
              name: `worker RSS with ${last.waiting.toLocaleString('en-US')} runs waiting`,
              unit: 'MiB',
              value: last.worker,
              baseline: { name: 'worker RSS with no run waiting', value: first.worker },
              target: { on: 'value', op: '<=', limit: TARGET_WORKER_MIB },
            }),
            // RSS follows garbage collection, not only what is kept: the highest reading is reported too.
            measure({
              name: `worker RSS, highest of the counts measured (${peak.waiting.toLocaleString('en-US')} runs waiting)`,
              unit: 'MiB',
              value: peak.worker,
              baseline: { name: 'worker RSS with no run waiting', value: first.worker },
              target: { on: 'value', op: '<=', limit: TARGET_WORKER_MIB },
            }),
            measure({
              name: `API RSS with ${last.waiting.toLocaleString('en-US')} runs waiting`,
              unit: 'MiB',
              value: last.api,
              baseline: { name: 'API RSS with no run waiting', value: first.api },
            }),
          ]
        : [];
    return { measures, failures: failures.all, details: { worker_cache: workerCache, clients: CLIENTS, curve }, charts };
  },
};

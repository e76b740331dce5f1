/**
 * Figure 6: durable-wes against Sapporo 2.4.0 (pip `sapporo`), the same requests to both: hello
 * CWL latency (POST to COMPLETE), runs/s at 1, 4 and 8 clients, and status and list latency as the
 * number of runs each keeps grows to 100k. Every request is the multipart form WES 1.1 defines,
 * the workflow an attachment; Sapporo runs cwltool through the tests' run script, durable-wes on
 * its local provider, both from PATH.
 */
import { Failures, type BenchContext, type Figure } from '../lib/figure';
import { measure, type Measure } from '../lib/report';
import { waitForIdleMachine } from '../lib/quiet';
import { startSapporoServer, type SapporoServer } from '../lib/sapporo';
import { abba, alternate, closedLoop } from '../lib/schedule';
import { seedReadModel } from '../lib/seed-read-model';
import { percentile, round, summarize } from '../lib/stats';
import { now, sleep, timed } from '../lib/time';
import { HELLO_CWL, POLL_MS, type RunRequest, type WesClient } from '../lib/wes-client';
import { isTerminalWesState } from '../../domain/wes-state';

const SIZES = {
  full: { latencyRuns: 10, clients: [1, 4, 8], rampMs: 3_000, windowMs: 15_000, windowPairs: 2, stores: [1_000, 100_000], reads: 2_000 },
  quick: { latencyRuns: 2, clients: [1, 4], rampMs: 1_000, windowMs: 4_000, windowPairs: 1, stores: [200, 1_000], reads: 30 },
};
/** Closed-loop clients ask after their run every 100 ms: ten times a second is what a WES client does. */
const LOOP_POLL_MS = 100;
const RUN_TIMEOUT_MS = 120_000;
const LIST = '/runs?page_size=100';

const WES = 'durable-wes';
const SAPPORO = 'Sapporo';
type Side = typeof WES | typeof SAPPORO;

/** hello.cwl as an attachment; Sapporo wants the engine named, durable-wes takes the field too. */
const HELLO: RunRequest = {
  workflow_type: 'CWL',
  workflow_type_version: 'v1.2',
  workflow_url: 'hello.cwl',
  workflow_engine: 'cwltool',
  workflow_params: { message: 'bench' },
};

async function helloRun(wes: WesClient, pollMs: number): Promise<{ runId: string; state: string; ms: number }> {
  const started = now();
  const runId = await wes.submitForm(HELLO, { 'hello.cwl': HELLO_CWL });
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  for (;;) {
    const state = await wes.state(runId);
    if (isTerminalWesState(state)) return { runId, state, ms: now() - started };
    if (Date.now() >= deadline) throw new Error(`run ${runId} still ${state} after ${RUN_TIMEOUT_MS} ms`);
    await sleep(pollMs);
  }
}

/** Latency of `reads` GETs of each side, interleaved request by request. */
async function readLatency(clients: Record<Side, WesClient>, url: (side: Side) => string, reads: number): Promise<Record<Side, number[]>> {
  const ms: Record<Side, number[]> = { [WES]: [], [SAPPORO]: [] };
  const read = (side: Side) => async () => void ms[side].push((await timed(() => clients[side].get(url(side)))).ms);
  await alternate(reads, read(WES), read(SAPPORO));
  return ms;
}

export const sapporo: Figure = {
  name: 'sapporo',
  title: 'Against Sapporo 2.4.0: hello CWL, runs/s, status and list latency as runs grow',
  async run(context) {
    const peer = await startSapporoServer();
    try {
      return await measureAgainst(context, peer);
    } finally {
      await peer.server.stop();
    }
  },
};

async function measureAgainst(context: BenchContext, peer: SapporoServer) {
  const size = context.quick ? SIZES.quick : SIZES.full;
  const failures = new Failures();
  const clients: Record<Side, WesClient> = { [WES]: context.wes, [SAPPORO]: peer.wes };
  /** The last run of each side that completed: the template of the seeded runs. */
  const template: Partial<Record<Side, string>> = {};
  const once = async (side: Side, pollMs: number) => {
    try {
      const sample = await helloRun(clients[side], pollMs);
      if (sample.state !== 'COMPLETE') failures.add(`${side}: ${sample.runId} ended ${sample.state}`);
      else template[side] = sample.runId;
      return sample.state === 'COMPLETE' ? sample.ms : undefined;
    } catch (err) {
      failures.add(`${side}: ${(err as Error).message}`);
      return undefined;
    }
  };

  // Hello CWL, one client, after one unmeasured run a side (cwltool's cold start).
  const latency: Record<Side, number[]> = { [WES]: [], [SAPPORO]: [] };
  const latencySample = (side: Side) => async () => {
    const ms = await once(side, POLL_MS);
    if (ms !== undefined) latency[side].push(ms);
  };
  await alternate(
    1,
    async () => {
      await once(WES, POLL_MS);
    },
    async () => {
      await once(SAPPORO, POLL_MS);
    },
  );
  await alternate(size.latencyRuns, latencySample(WES), latencySample(SAPPORO));

  // Runs/s, closed loop, ABBA windows for each number of clients.
  const perSecond: Record<number, Record<Side, number[]>> = {};
  for (const n of size.clients) {
    perSecond[n] = { [WES]: [], [SAPPORO]: [] };
    for (const side of abba(size.windowPairs, WES as Side, SAPPORO as Side)) {
      const window = await closedLoop(n, size.rampMs, size.windowMs, async () => (await once(side, LOOP_POLL_MS)) !== undefined);
      perSecond[n][side].push(round(window.perSecond, 3));
    }
  }

  // Reads as the stores grow: each side's store is topped up with copies of one of its own runs.
  /** total_runs of each side's list: both servers give it (a WES 1.1 extension both implement). */
  const totals = async () =>
    Object.fromEntries(
      await Promise.all(
        ([WES, SAPPORO] as Side[]).map(async (side) => {
          const response = await fetch(`${clients[side].base}/runs?page_size=1`);
          return [side, ((await response.json()) as { total_runs?: number }).total_runs ?? Number.NaN] as const;
        }),
      ),
    ) as Record<Side, number>;
  const existing = await totals();
  const reads: Array<{
    runs: number;
    totals: Record<Side, number>;
    seedMs: Record<Side, number>;
    status: Record<Side, number[]>;
    list: Record<Side, number[]>;
  }> = [];
  let seeded = 0;
  for (const runs of size.stores) {
    const { [WES]: wesRun, [SAPPORO]: sapporoRun } = template;
    if (!wesRun || !sapporoRun) throw new Error('no completed run on each side to seed the stores with');
    const seed: Record<Side, string> = { [WES]: wesRun, [SAPPORO]: sapporoRun };
    const more = runs - seeded;
    // One after the other, so that each seeding time is its own (the result file keeps them).
    const seedMs = {
      [WES]: round((await timed(() => seedReadModel(context.product.databaseUrl, wesRun, more))).ms),
      [SAPPORO]: round((await timed(() => peer.seed(sapporoRun, more))).ms),
    };
    seeded = runs;
    // The seeded runs must be runs to the server, or the reads below measure a smaller store.
    const after = await totals();
    for (const side of [WES, SAPPORO] as Side[])
      if (!(after[side] >= runs)) throw new Error(`${side} lists ${after[side]} runs after seeding ${runs}`);
    await waitForIdleMachine();
    const status = await readLatency(clients, (side) => `/runs/${seed[side]}/status`, size.reads);
    await waitForIdleMachine();
    const list = await readLatency(clients, () => LIST, size.reads);
    reads.push({ runs, totals: after, seedMs, status, list });
  }

  const p = (samples: number[], q: number) => round(percentile(samples, q));
  const measures: Measure[] = [
    measure({
      name: 'hello CWL, POST to COMPLETE, median',
      unit: 'ms',
      value: p(latency[WES], 50),
      baseline: { name: 'Sapporo, same request, median', value: p(latency[SAPPORO], 50) },
    }),
    ...size.clients.map((n) =>
      measure({
        name: `hello CWL runs/s, ${n} client${n > 1 ? 's' : ''} closed loop`,
        unit: 'runs/s',
        value: round(percentile(perSecond[n][WES], 50), 3),
        baseline: { name: `Sapporo, ${n} client${n > 1 ? 's' : ''}`, value: round(percentile(perSecond[n][SAPPORO], 50), 3) },
        target: n === 4 ? { on: 'ratio', op: '>=', limit: 1.5 } : undefined,
      }),
    ),
    ...reads.flatMap(({ runs, status, list }) => {
      const largest = runs === size.stores.at(-1);
      const at = `${runs.toLocaleString('en-US')} runs`;
      return [
        measure({
          name: `GET /runs/{id}/status p50, ${at}`,
          unit: 'ms',
          value: p(status[WES], 50),
          baseline: { name: 'Sapporo p50', value: p(status[SAPPORO], 50) },
        }),
        measure({
          name: `GET /runs/{id}/status p99, ${at}`,
          unit: 'ms',
          value: p(status[WES], 99),
          baseline: { name: 'Sapporo p99', value: p(status[SAPPORO], 99) },
          target: largest ? { on: 'ratio', op: '<=', limit: 1 } : undefined,
        }),
        measure({
          name: `GET ${LIST} p50, ${at}`,
          unit: 'ms',
          value: p(list[WES], 50),
          baseline: { name: 'Sapporo p50', value: p(list[SAPPORO], 50) },
        }),
        measure({
          name: `GET ${LIST} p99, ${at}`,
          unit: 'ms',
          value: p(list[WES], 99),
          baseline: { name: 'Sapporo p99', value: p(list[SAPPORO], 99) },
          target: largest ? { on: 'ratio', op: '<=', limit: 0.1 } : undefined,
        }),
      ];
    }),
  ];

  const sides = [WES, SAPPORO] as Side[];
  const charts = [
    {
      title: 'Hello CWL runs/s as clients grow',
      file: await context.chart('sapporo-throughput.svg', {
        title: 'hello CWL runs/s, closed loop',
        x_label: 'clients',
        y_label: 'runs/s',
        series: sides.map((side) => ({
          name: side,
          x: size.clients,
          y: size.clients.map((n) => round(percentile(perSecond[n][side], 50), 3)),
        })),
      }),
    },
    {
      title: 'Status and list p99 as runs grow',
      file: await context.chart('sapporo-reads.svg', {
        title: 'read latency p99 as runs grow',
        x_label: 'runs in the store',
        y_label: 'p99 (ms)',
        log_x: true,
        log_y: true,
        series: sides.flatMap((side) => [
          { name: `${side} GET /runs?page_size=100`, x: reads.map((r) => r.runs), y: reads.map((r) => p(r.list[side], 99)) },
          { name: `${side} GET /runs/{id}/status`, x: reads.map((r) => r.runs), y: reads.map((r) => p(r.status[side], 99)) },
        ]),
      }),
    },
  ];
  return {
    measures,
    failures: failures.all,
    charts,
    details: {
      sizes: size,
      runs_before_seeding: existing,
      seeded_from: template,
      latency_ms: { [WES]: summarize(latency[WES]), [SAPPORO]: summarize(latency[SAPPORO]) },
      runs_per_second: perSecond,
      reads: reads.map(({ runs, totals: listed, seedMs, status, list }) => ({
        runs,
        total_runs: listed,
        seed_ms: seedMs,
        status_ms: { [WES]: summarize(status[WES]), [SAPPORO]: summarize(status[SAPPORO]) },
        list_ms: { [WES]: summarize(list[WES]), [SAPPORO]: summarize(list[SAPPORO]) },
      })),
    },
  };
}

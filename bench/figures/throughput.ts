/**
 * Figure 1: simulated zero-duration runs, POST to COMPLETE through the API, against Temporal's floor
 * (a one-activity workflow run with client.workflow.execute() by a worker in the bench process) on
 * the same server. One client (latency), then ten clients in a closed loop (runs per second).
 */
import type { Floor } from '../floor/floor';
import { Failures, type BenchContext, type Figure } from '../lib/figure';
import { openWorkflows, waitForQuiet } from '../lib/quiet';
import { measure } from '../lib/report';
import { abba, alternate, closedLoop, type Window } from '../lib/schedule';
import { median, round, summarize } from '../lib/stats';
import { timed } from '../lib/time';
import { simulatedRun } from '../lib/wes-client';

const WARM_UP_RUNS = 3;
const LATENCY_ROUNDS = 30;
const CLIENTS = 10;
/** Lets every client get its first run going before the window opens. */
const RAMP_MS = 2_000;
const WINDOW_MS = 5_000;
/** 4 windows a side, 20 s each in all. */
const WINDOW_PAIRS = 4;
/**
 * How often each of the ten clients asks after its run (200 requests/s in all). The floor's
 * clients wait on the server instead; polling every 10 ms, as the latency samples do, would load
 * the 2-core machine with 1,000 requests/s that no real client sends.
 */
const CLOSED_LOOP_POLL_MS = 50;

const WES = 'durable-wes';
const FLOOR = 'floor';
type Side = typeof WES | typeof FLOOR;

export const throughput: Figure = {
  name: 'throughput',
  title: "Throughput and latency against Temporal's floor",
  async run(context) {
    const floor = await context.startFloor();
    try {
      return await measureThroughput(context, floor);
    } finally {
      await floor.stop();
    }
  },
};

async function measureThroughput(context: BenchContext, floor: Floor) {
  const failures = new Failures();
  const before = await openWorkflows(context.temporal);
  /** One sample of either side; false (and a failure noted) when it did not complete. */
  const once: Record<Side, (pollMs?: number) => Promise<{ ok: boolean; ms: number }>> = {
    [WES]: async (pollMs) => {
      try {
        const sample = await context.wes.run(simulatedRun(0), pollMs);
        if (sample.state !== 'COMPLETE') failures.add(`${sample.runId} ended ${sample.state}`);
        return { ok: sample.state === 'COMPLETE', ms: sample.ms };
      } catch (err) {
        failures.add(`durable-wes run: ${(err as Error).message}`);
        return { ok: false, ms: Number.NaN };
      }
    },
    [FLOOR]: async () => {
      try {
        return { ok: true, ms: (await timed(() => floor.run())).ms };
      } catch (err) {
        failures.add(`floor workflow: ${(err as Error).message}`);
        return { ok: false, ms: Number.NaN };
      }
    },
  };

  // Unmeasured: the first runs pay for connections, caches and JIT on both sides alike.
  await alternate(
    WARM_UP_RUNS,
    async () => {
      await once[WES]();
    },
    async () => {
      await once[FLOOR]();
    },
  );
  await waitForQuiet(context.temporal, before);

  const latency: Record<Side, number[]> = { [WES]: [], [FLOOR]: [] };
  const sample = (side: Side) => async () => {
    const { ok, ms } = await once[side]();
    if (ok) latency[side].push(ms);
  };
  await alternate(LATENCY_ROUNDS, sample(WES), sample(FLOOR));

  const windows: Array<{ side: Side } & Window> = [];
  for (const side of abba(WINDOW_PAIRS, WES as Side, FLOOR as Side)) {
    await waitForQuiet(context.temporal, before);
    const window = await closedLoop(CLIENTS, RAMP_MS, WINDOW_MS, async () => (await once[side](CLOSED_LOOP_POLL_MS)).ok);
    windows.push({ side, ...window, completed: round(window.completed, 2), perSecond: round(window.perSecond, 2) });
  }
  const perSecond = (side: Side) => median(windows.filter((w) => w.side === side).map((w) => w.perSecond));

  const wesLatency = summarize(latency[WES]);
  const floorLatency = summarize(latency[FLOOR]);
  const floorName = 'floor: one no-op activity workflow, client.workflow.execute()';
  return {
    measures: [
      measure({
        name: `runs/s, ${CLIENTS} clients closed loop (median of ${WINDOW_PAIRS} windows of ${WINDOW_MS / 1000} s after ${RAMP_MS / 1000} s of ramp-up)`,
        unit: 'runs/s',
        value: round(perSecond(WES), 2),
        baseline: { name: `${floorName}, workflows/s`, value: round(perSecond(FLOOR), 2) },
        target: { on: 'ratio', op: '>=', limit: 0.8 },
      }),
      measure({
        name: 'latency p50, 1 client',
        unit: 'ms',
        value: wesLatency.p50,
        baseline: { name: `${floorName}, p50`, value: floorLatency.p50 },
      }),
      measure({
        name: 'latency p90, 1 client',
        unit: 'ms',
        value: wesLatency.p90,
        baseline: { name: `${floorName}, p90`, value: floorLatency.p90 },
      }),
    ],
    failures: failures.all,
    details: {
      clients: CLIENTS,
      ramp_ms: RAMP_MS,
      window_ms: WINDOW_MS,
      closed_loop_poll_ms: CLOSED_LOOP_POLL_MS,
      latency_ms: { [WES]: wesLatency, [FLOOR]: floorLatency },
      windows,
    },
  };
}

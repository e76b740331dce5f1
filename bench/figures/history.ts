/**
 * Figure 3: what a run costs Temporal in history events, the unit Temporal's storage and (in the
 * cloud) its bill count in. Simulated zero-duration runs through the API; the baseline is the floor
 * workflow's history on the same server.
 */
import { Failures, type Figure } from '../lib/figure';
import { workflowHistory, type WorkflowHistory } from '../lib/history';
import { measure } from '../lib/report';
import { median } from '../lib/stats';
import { simulatedRun } from '../lib/wes-client';

const RUNS = 20;
const FLOOR_RUNS = 5;
const TARGET_EVENTS = 14;

export const history: Figure = {
  name: 'history',
  title: 'History events per run',
  async run(context) {
    const failures = new Failures();
    const runs: Array<{ runId: string } & WorkflowHistory> = [];
    for (let i = 0; i < RUNS; i++) {
      try {
        const sample = await context.wes.run(simulatedRun(0));
        if (sample.state !== 'COMPLETE') failures.add(`${sample.runId} ended ${sample.state}`);
        else runs.push({ runId: sample.runId, ...(await workflowHistory(context.temporal, sample.runId)) });
      } catch (err) {
        failures.add(`durable-wes run: ${(err as Error).message}`);
      }
    }

    const floor = await context.startFloor();
    const floorEvents: number[] = [];
    try {
      for (let i = 0; i < FLOOR_RUNS; i++) floorEvents.push((await workflowHistory(context.temporal, await floor.run())).events);
    } finally {
      await floor.stop();
    }

    const events = runs.map((run) => run.events);
    const baseline = { name: 'floor: one no-op activity workflow', value: median(floorEvents) };
    const target = { on: 'value' as const, op: '<=' as const, limit: TARGET_EVENTS };
    // The run with the most events shows where they go.
    const costliest = runs.reduce<(typeof runs)[number] | undefined>(
      (worst, run) => (!worst || run.events > worst.events ? run : worst),
      undefined,
    );
    return {
      measures: [
        measure({
          name: `events per simulated zero-duration run, median of ${runs.length}`,
          unit: 'events',
          value: median(events),
          baseline,
          target,
        }),
        measure({
          name: `events per simulated zero-duration run, max of ${runs.length}`,
          unit: 'events',
          value: Math.max(...events),
          baseline,
          target,
        }),
      ],
      failures: failures.all,
      details: {
        events_per_run: events,
        executions_per_run_max: Math.max(...runs.map((run) => run.executions)),
        floor_events: floorEvents,
        costliest_run: costliest,
      },
    };
  },
};

/**
 * The worker's read model, counting each run transition as it is first recorded there: by the
 * projection activity, by a run's preparation showing as `starting`, or by the closed-run
 * reconciler. A repeated projection records nothing new, so nothing is counted twice.
 */
import type { RunStore } from '../../read-model/run-store';
import type { RunProjection } from '../../domain/run-rows';
import type { WorkerMetrics } from '../../activities/worker-metrics';

export function countingTransitions(store: RunStore, metrics: WorkerMetrics): RunStore {
  const project: RunStore['project'] = async (projection: RunProjection) => {
    const recorded = await store.project(projection);
    for (const { from, to } of recorded) metrics.transitions.inc({ from, to });
    return recorded;
  };
  return new Proxy(store, {
    get(target, key) {
      if (key === 'project') return project;
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? (value.bind(target) as unknown) : value;
    },
  });
}

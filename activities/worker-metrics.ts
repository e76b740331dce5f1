/**
 * What the worker counts for Prometheus (docs/deployment.md, "Operations"), in a registry of its
 * own: several workers in one process (the tests) keep their counts apart. Recorded by activities
 * and the read model's writes, never by workflow code, which must stay deterministic.
 */
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Provider calls take from milliseconds (a local status) to a minute (a slow remote submission). */
const PROVIDER_CALL_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export type ProviderCallOutcome = 'ok' | 'invalid_request' | 'rejected' | 'unavailable' | 'cancelled';
export type ActivityOutcome = 'completed' | 'failed' | 'cancelled';

export class WorkerMetrics {
  readonly registry = new Registry();

  /** Counted once per transition, when the read model first records it (counting-run-store.ts). */
  readonly transitions = new Counter({
    name: 'wes_run_transitions_total',
    help: 'Run state transitions recorded in the read model, by execution state left and entered',
    labelNames: ['from', 'to'] as const,
    registers: [this.registry],
  });

  readonly providerCalls = new Histogram({
    name: 'wes_provider_call_duration_seconds',
    help: 'Provider operations as activities call them, by provider kind, operation and outcome',
    labelNames: ['provider_kind', 'operation', 'outcome'] as const,
    buckets: PROVIDER_CALL_BUCKETS,
    registers: [this.registry],
  });

  readonly activities = new Counter({
    name: 'wes_activities_total',
    help: 'Activity attempts this worker ran, by activity type and outcome',
    labelNames: ['activity', 'outcome'] as const,
    registers: [this.registry],
  });

  /** Process metrics (CPU, memory, event loop) too: for the worker process, not for a test's. */
  withProcessMetrics(): this {
    collectDefaultMetrics({ register: this.registry });
    return this;
  }
}

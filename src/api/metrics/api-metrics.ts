/**
 * What the API counts for Prometheus (docs/deployment.md, "Operations"), in a registry of its own
 * (tests run several apps in one process): HTTP requests by route template and status, the runs
 * of the read model by WES state, and the process's own metrics.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { onRequestHookHandler } from 'fastify';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { errorMessage } from '../../../activities/errors';
import type { RunStore } from '../../../read-model/run-store';
import { WES_STATES, type WesState } from '../../../domain/wes-state';
import { RUN_STORE } from '../core/tokens';
import { within } from '../core/within';

/** The counts are cheap to read (run_counts), but however many scrape, the database is asked at most once this often. */
const RUN_COUNT_MAX_AGE_MS = 5_000;
const RUN_COUNT_TIMEOUT_MS = 2_000;

@Injectable()
export class ApiMetrics {
  readonly registry = new Registry();
  private readonly logger = new Logger('metrics');
  private runCount?: { at: number; counts: Promise<Partial<Record<WesState, number>>> };
  private readonly routes = new WeakMap<IncomingMessage, string>();

  readonly requests = new Histogram({
    name: 'wes_http_request_duration_seconds',
    help: 'HTTP requests the API answered, by method, route template and status (its _count is the request count)',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  constructor(@Inject(RUN_STORE) private readonly runStore: RunStore) {
    collectDefaultMetrics({ register: this.registry });
    // A database that does not answer leaves the gauge empty: the rest of the scrape still serves.
    const countRuns = () => this.countRuns().catch((err: unknown) => this.logger.warn(`runs by state not counted: ${errorMessage(err)}`));
    new Gauge({
      name: 'wes_runs',
      help: 'Runs in the read model by WES state, as of the scrape (at most 5 s old)',
      labelNames: ['state'] as const,
      registers: [this.registry],
      // Called with the gauge as `this`.
      async collect() {
        this.reset();
        const counts = await countRuns();
        if (counts) for (const state of WES_STATES) this.set({ state }, counts[state] ?? 0);
      },
    });
  }

  /**
   * Times every request the server takes, on Node's own request and response: answers Fastify
   * does not send (a hijacked live stream, a malformed URL it refuses before routing) are counted
   * too. Labelled with the route routing found (`onRequest`), or `(none)` when it found none.
   */
  observe(server: Server): void {
    server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
      const timer = this.requests.startTimer();
      response.once('finish', () => {
        // The template, not the path: run ids would make a series per run.
        const route = this.routes.get(request) ?? '(none)';
        timer({ method: request.method ?? '', route, status: String(response.statusCode) });
      });
    });
  }

  /** A Fastify onRequest hook: the route template of a routed request, for its label. */
  readonly onRequest: onRequestHookHandler = (request, _reply, next) => {
    if (request.routeOptions.url !== undefined) this.routes.set(request.raw, request.routeOptions.url);
    next();
  };

  private countRuns(): Promise<Partial<Record<WesState, number>>> {
    if (!this.runCount || Date.now() - this.runCount.at > RUN_COUNT_MAX_AGE_MS) {
      const counts = within(RUN_COUNT_TIMEOUT_MS, 'the database', this.runStore.countByWesState());
      // A failed count is asked again at the next scrape, not kept.
      counts.catch(() => (this.runCount = undefined));
      this.runCount = { at: Date.now(), counts };
    }
    return this.runCount.counts;
  }
}

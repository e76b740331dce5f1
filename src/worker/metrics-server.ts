/**
 * The worker's /metrics (docs/deployment.md, "Operations"): its own registry, then the Temporal
 * SDK's metrics, which the SDK's core serves on a loopback port of its own and are fetched from
 * there at each scrape. One endpoint to scrape per worker, whichever part of it counts.
 */
import http from 'node:http';
import type { Registry } from 'prom-client';

/** A scrape should not hang on a core that does not answer. */
const SDK_METRICS_TIMEOUT_MS = 2_000;

export interface MetricsServerOptions {
  host: string;
  port: number;
  registry: Registry;
  /** Where the SDK's core serves its Prometheus text (`host:port`). */
  sdkMetricsAddress?: string;
}

async function sdkMetrics(address: string): Promise<string> {
  try {
    const response = await fetch(`http://${address}/metrics`, { signal: AbortSignal.timeout(SDK_METRICS_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return await response.text();
  } catch (err) {
    // The worker's own metrics are still worth a scrape; the gap says why it is there.
    return `# Temporal SDK metrics unavailable: ${(err as Error).message}\n`;
  }
}

export async function startMetricsServer({ host, port, registry, sdkMetricsAddress }: MetricsServerOptions): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics is served here\n');
      return;
    }
    Promise.all([registry.metrics(), sdkMetricsAddress ? sdkMetrics(sdkMetricsAddress) : ''])
      .then(([own, sdk]) => response.writeHead(200, { 'content-type': registry.contentType }).end(`${own}\n${sdk}`))
      .catch((err: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`${(err as Error).message}\n`));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

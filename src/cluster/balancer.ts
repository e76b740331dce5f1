/**
 * The cluster's one API address: a TCP balancer that hands each new connection to the next API
 * replica in turn, and to another one when a replica refuses it (killed, restarting). A connection
 * already on a replica that dies is dropped, as behind any load balancer: clients retry with their
 * Idempotency-Key (docs/deployment.md, "Graceful shutdown").
 *
 *   node dist/src/cluster/balancer.js LISTEN_PORT BACKEND_PORT...
 */
import net from 'node:net';

const HOST = '127.0.0.1';
/** A replica that refused a connection is skipped for this long, then tried again. */
const SKIP_MS = 1_000;

interface Backend {
  port: number;
  skipUntil: number;
  connections: number;
}

export function startBalancer(listenPort: number, backendPorts: number[]): net.Server {
  const backends: Backend[] = backendPorts.map((port) => ({ port, skipUntil: 0, connections: 0 }));
  let next = 0;

  /** The replicas in the order to try them: round robin, those that refused lately last. */
  const candidates = (): Backend[] => {
    const now = Date.now();
    const order = backends.map((_, i) => backends[(next + i) % backends.length]);
    next = (next + 1) % backends.length;
    return [...order.filter((b) => b.skipUntil <= now), ...order.filter((b) => b.skipUntil > now)];
  };

  const relay = (client: net.Socket, order: Backend[]): void => {
    const backend = order.shift();
    if (!backend) {
      client.destroy();
      return;
    }
    const upstream = net.connect(backend.port, HOST);
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      backend.connections += 1;
      client.pipe(upstream);
      upstream.pipe(client);
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
      client.resume();
    });
    upstream.on('error', () => {
      if (connected) {
        client.destroy();
        return;
      }
      backend.skipUntil = Date.now() + SKIP_MS;
      relay(client, order);
    });
  };

  const server = net.createServer({ pauseOnConnect: true }, (client) => {
    // A client gone before its replica answered: nothing to relay.
    client.on('error', () => client.destroy());
    relay(client, candidates());
  });
  server.listen(listenPort, HOST, () => console.log(`balancer: ${HOST}:${listenPort} -> ${backendPorts.join(', ')}`));
  // How the connections spread, for the operator reading the log.
  const report = setInterval(
    () => console.log(`balancer: connections ${backends.map((b) => `${b.port}=${b.connections}`).join(' ')}`),
    60_000,
  );
  report.unref();
  return server;
}

if (require.main === module) {
  const [listenPort, ...backendPorts] = process.argv.slice(2).map(Number);
  if (!listenPort || backendPorts.length === 0 || [listenPort, ...backendPorts].some((port) => !Number.isInteger(port))) {
    console.error('usage: balancer.js LISTEN_PORT BACKEND_PORT...');
    process.exit(2);
  }
  const server = startBalancer(listenPort, backendPorts);
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
}

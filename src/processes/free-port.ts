import net from 'node:net';

/**
 * Rejects when something already listens on host:port. Checked before a start because a readiness
 * check cannot tell: our server would fail to bind, while the one there answers in its stead.
 */
export function ensurePortFree(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => reject(new Error(`${host}:${port} is taken (${err.code ?? err.message})`)));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/** A TCP port on loopback that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

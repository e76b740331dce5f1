import net from 'node:net';

/**
 * Rejects when something already listens on host:port. Checked before a start because a readiness
 * check cannot tell: our server would fail to bind, while the one there answers in its stead.
 */
export function ensurePortFree(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => reject(new Error(`${host}:${port} is taken (${err.code})`)));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

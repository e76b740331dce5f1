/**
 * A TCP service on the host's loopback that counts who reached it, and the Python a job runs to
 * try: what a sandboxed job must not reach (docs/security.md).
 */
import net from 'node:net';

export interface LoopbackListener {
  /** A Python one-liner's program that prints `connected`, or `refused …` when it cannot connect. */
  probe: string;
  connections(): number;
  close(): void;
}

export async function loopbackListener(): Promise<LoopbackListener> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    socket.end('hello');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    probe: `import socket\ntry:\n    socket.create_connection(("127.0.0.1", ${port}), 3)\n    print("connected")\nexcept OSError as e:\n    print("refused", e)`,
    connections: () => connections,
    close: () => server.close(),
  };
}

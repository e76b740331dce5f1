/**
 * A TCP proxy on loopback in front of an upstream server, which can be cut (it stops listening and
 * drops every open connection, so callers get ECONNREFUSED, as from a host that went away) and
 * restored on the same port.
 */
import net from 'node:net';
import { once } from 'node:events';

export interface FlakyUpstream {
  port: number;
  /** Stops listening and drops the open connections. */
  cut(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  stop(): Promise<void>;
}

export async function startFlakyUpstream(upstreamPort: number): Promise<FlakyUpstream> {
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(upstreamPort, '127.0.0.1');
    track(client);
    track(upstream);
    // Either side's end or error ends both: a proxy keeps no half-open pairs.
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.pipe(upstream).on('close', () => client.destroy());
    upstream.pipe(client).on('close', () => upstream.destroy());
  });
  const listen = async (port: number) => {
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
  };
  await listen(0);
  const { port } = server.address() as net.AddressInfo;
  const close = async () => {
    if (!server.listening) return;
    const closed = once(server, 'close');
    server.close();
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  return { port, cut: close, restore: () => listen(port), stop: close };
}

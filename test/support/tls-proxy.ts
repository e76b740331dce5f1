/**
 * A TLS endpoint in front of the plain Temporal dev server (whose start-dev has no TLS options):
 * it terminates TLS, and with `clientCa` requires and verifies a client certificate (mTLS), then
 * passes the bytes on. gRPC needs HTTP/2, negotiated by ALPN.
 */
import net from 'node:net';
import tls from 'node:tls';

export interface TlsProxy {
  address: string;
  /** Connections whose handshake succeeded, and of those, with a verified client certificate. */
  accepted: number;
  withClientCertificate: number;
  close(): Promise<void>;
}

export async function startTlsProxy(options: { target: string; cert: Buffer; key: Buffer; clientCa?: Buffer }): Promise<TlsProxy> {
  const [host, port] = [
    options.target.slice(0, options.target.lastIndexOf(':')),
    Number(options.target.slice(options.target.lastIndexOf(':') + 1)),
  ];
  const sockets = new Set<net.Socket>();
  const server = tls.createServer(
    {
      cert: options.cert,
      key: options.key,
      ALPNProtocols: ['h2'],
      ...(options.clientCa ? { ca: options.clientCa, requestCert: true, rejectUnauthorized: true } : {}),
    },
    (secure) => {
      proxy.accepted++;
      if (secure.authorized) proxy.withClientCertificate++;
      const plain = net.connect(port, host);
      for (const socket of [secure, plain]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      secure.pipe(plain).pipe(secure);
      secure.on('close', () => plain.destroy());
      plain.on('close', () => secure.destroy());
    },
  );
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxy: TlsProxy = {
    address: `127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    accepted: 0,
    withClientCertificate: 0,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return proxy;
}

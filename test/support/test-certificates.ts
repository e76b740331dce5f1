/**
 * Certificates for TLS tests, made with openssl at test time (no private key is committed): a CA,
 * a server certificate it signs for `serverName`, and a client certificate of another CA for mTLS.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestPki {
  dir: string;
  /** Paths of PEM files. */
  serverCa: string;
  serverCert: string;
  serverKey: string;
  clientCa: string;
  clientCert: string;
  clientKey: string;
  read(file: string): Buffer;
}

const openssl = (dir: string, ...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });

function ca(dir: string, name: string): void {
  openssl(
    dir,
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '1',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.pem`,
  );
}

function signed(dir: string, name: string, caName: string, extensions: string): void {
  openssl(
    dir,
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
  );
  writeFileSync(path.join(dir, `${name}.ext`), extensions);
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${caName}.pem`,
    '-CAkey',
    `${caName}.key`,
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.pem`,
  );
}

export function makeTestPki(serverName: string): TestPki {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'durable-wes-pki-'));
  ca(dir, 'server-ca');
  ca(dir, 'client-ca');
  signed(dir, 'server', 'server-ca', `subjectAltName=DNS:${serverName}\nextendedKeyUsage=serverAuth\n`);
  signed(dir, 'client', 'client-ca', 'extendedKeyUsage=clientAuth\n');
  const file = (name: string) => path.join(dir, name);
  return {
    dir,
    serverCa: file('server-ca.pem'),
    serverCert: file('server.pem'),
    serverKey: file('server.key'),
    clientCa: file('client-ca.pem'),
    clientCert: file('client.pem'),
    clientKey: file('client.key'),
    read: (path) => readFileSync(path),
  };
}

/**
 * Connections to Temporal can be secured (docs/deployment.md, "Securing the connection to
 * Temporal"): TLS with the server's CA and name, and mTLS with a client certificate. The Temporal
 * CLI's dev server (v1.5.1) has no TLS options, and the cluster script's server takes minutes to
 * build; so a TLS endpoint written with node:tls (test/support/tls-proxy.ts) terminates TLS in front
 * of the real dev server, verifying client certificates, and the product's own connection code
 * (src/temporal/temporal-connection.ts, as the API and the worker use it) connects through it.
 */
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { rmSync } from 'node:fs';
import { loadConfig, type Config } from '../../src/config/config';
import { connectFailure, temporalConnectionOptions } from '../../src/temporal/temporal-connection';
import { createApiHarness, waitForState } from '../support/api-harness';
import { installQuietRuntime } from '../support/runtime';
import { submitRun } from '../support/submit-run';
import { makeTestPki, type TestPki } from '../support/test-certificates';
import { startTlsProxy, type TlsProxy } from '../support/tls-proxy';

const SERVER_NAME = 'temporal.test';

let pki: TestPki;
let mtls: TlsProxy;
beforeAll(async () => {
  installQuietRuntime();
  pki = makeTestPki(SERVER_NAME);
  mtls = await startTlsProxy({
    target: process.env.TEMPORAL_ADDRESS!,
    cert: pki.read(pki.serverCert),
    key: pki.read(pki.serverKey),
    clientCa: pki.read(pki.clientCa),
  });
});
afterAll(async () => {
  await mtls.close();
  rmSync(pki.dir, { recursive: true, force: true });
});

/** The configuration the API and the worker would read from these variables. */
const configOf = (env: Record<string, string>): Config => loadConfig({ TEMPORAL_ADDRESS: mtls.address, ...env });
const fullTls = () => ({
  WES_TEMPORAL_TLS_CA: pki.serverCa,
  WES_TEMPORAL_TLS_CERT: pki.clientCert,
  WES_TEMPORAL_TLS_KEY: pki.clientKey,
  WES_TEMPORAL_TLS_SERVER_NAME: SERVER_NAME,
});

/** Both kinds of connection the product makes (the worker's native one, the API's client), and how each ended. */
async function connectBoth(config: Config): Promise<string[]> {
  const outcomes: string[] = [];
  const options = temporalConnectionOptions(config);
  for (const connect of [() => NativeConnection.connect(options), () => Connection.connect({ ...options, connectTimeout: '5s' })]) {
    try {
      await (await connect()).close();
      outcomes.push('connected');
    } catch (err) {
      outcomes.push(`refused: ${(err as Error).message}`);
    }
  }
  return outcomes;
}

test('with the CA, server name and a client certificate, the API and a worker connect over mTLS and a run completes', async () => {
  const config = configOf(fullTls());
  expect(config.temporalTls).toMatchObject({
    serverNameOverride: SERVER_NAME,
    clientCertPair: expect.anything(),
    serverRootCACertificate: expect.anything(),
  });
  const before = mtls.withClientCertificate;
  const api = await createApiHarness({ temporalAddress: config.temporalAddress, temporalTls: config.temporalTls });
  try {
    const runId = await submitRun(api.http);
    expect(await waitForState(api.http, runId)).toBe('COMPLETE');
  } finally {
    await api.stop();
  }
  // The worker's, the test client's and the API's connections, each with its verified certificate.
  expect(mtls.withClientCertificate - before).toBeGreaterThanOrEqual(3);
});

test('without the server’s CA, neither connection is made, and the worker’s error says why', async () => {
  const { WES_TEMPORAL_TLS_CA: _ca, ...withoutCa } = fullTls();
  const config = configOf(withoutCa);
  const outcomes = await connectBoth(config);
  expect(outcomes).toEqual([expect.stringMatching(/^refused: .*InvalidCertificate\(UnknownIssuer\)/), expect.stringMatching(/^refused: /)]);
  // What the worker reports (src/worker.ts) when its connection fails.
  expect(connectFailure(config, new Error(outcomes[0].slice('refused: '.length))).message).toBe(
    `cannot connect to Temporal at ${mtls.address} over TLS, trusting the system's CAs (no WES_TEMPORAL_TLS_CA) for the name ${SERVER_NAME}, ` +
      `with the client certificate of WES_TEMPORAL_TLS_CERT: ${outcomes[0].slice('refused: '.length)}`,
  );
});

test('with mTLS required, a client without a certificate is refused', async () => {
  const { WES_TEMPORAL_TLS_CERT: _cert, WES_TEMPORAL_TLS_KEY: _key, ...withoutCertificate } = fullTls();
  const before = mtls.withClientCertificate;
  const outcomes = await connectBoth(configOf(withoutCertificate));
  expect(outcomes).toEqual([expect.stringMatching(/^refused: /), expect.stringMatching(/^refused: /)]);
  expect(mtls.withClientCertificate).toBe(before);
});

test('settings that cannot work stop the configuration, naming the variable', () => {
  expect(() => configOf({ WES_TEMPORAL_TLS_CERT: pki.clientCert })).toThrow(
    /WES_TEMPORAL_TLS_CERT and WES_TEMPORAL_TLS_KEY: both or neither/,
  );
  expect(() => configOf({ WES_TEMPORAL_TLS_CA: '/nonexistent/ca.pem' })).toThrow(/WES_TEMPORAL_TLS_CA: cannot read \/nonexistent\/ca.pem/);
  expect(() => configOf({ WES_TEMPORAL_TLS: 'off', WES_TEMPORAL_TLS_CA: pki.serverCa })).toThrow(/WES_TEMPORAL_TLS=off with TLS settings/);
  // An API key (Temporal Cloud) turns TLS on with the system's CAs, unless said otherwise.
  expect(configOf({ WES_TEMPORAL_API_KEY: 'secret-key' })).toMatchObject({ temporalTls: true, temporalApiKey: 'secret-key' });
  expect(temporalConnectionOptions(configOf({ WES_TEMPORAL_API_KEY: 'secret-key' }))).toEqual({
    address: mtls.address,
    tls: {},
    apiKey: 'secret-key',
  });
  expect(configOf({})).not.toHaveProperty('temporalTls');
});

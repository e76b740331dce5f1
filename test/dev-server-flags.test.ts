/**
 * The start command's embedded Temporal Web UI decodes encrypted payloads through the API's codec
 * endpoint: the flag it adds to the dev server, and that the UI of a dev server started as the
 * start command starts it (temporal-dev.sh run) serves that endpoint to browsers, and registers the
 * run workflow's search attributes.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { loadConfig } from '../src/config/config';
import { devServerFlags } from '../src/supervisor/dev-server-flags';
import { temporalDevServer } from '../src/supervisor/services';
import { SEARCH_ATTRIBUTE_KEYS } from '../domain/search-attributes';
import { eventually } from './support/eventually';
import { freePort } from './support/free-port';

const KEYS = `k1:${randomBytes(32).toString('base64')}`;

test('with payload keys and auth off: the UI is pointed at the API codec, where a browser on this machine reaches it', () => {
  expect(devServerFlags(loadConfig({ WES_PAYLOAD_KEYS: KEYS, WES_API_PORT: '9090' }))).toEqual([
    '--ui-codec-endpoint',
    'http://127.0.0.1:9090/ga4gh/wes/v1/codec',
  ]);
  expect(devServerFlags(loadConfig({ WES_PAYLOAD_KEYS: KEYS, WES_API_HOST: '0.0.0.0', WES_AUTH: 'off' }))).toEqual([
    '--ui-codec-endpoint',
    'http://127.0.0.1:8080/ga4gh/wes/v1/codec',
  ]);
  expect(devServerFlags(loadConfig({ WES_PAYLOAD_KEYS: KEYS, WES_API_HOST: '::1' }))).toEqual([
    '--ui-codec-endpoint',
    'http://[::1]:8080/ga4gh/wes/v1/codec',
  ]);
});

test('without payload keys, or with auth on (the dev server UI could pass no token): no codec', () => {
  expect(devServerFlags(loadConfig({}))).toEqual([]);
  expect(devServerFlags(loadConfig({ WES_PAYLOAD_KEYS: KEYS, WES_API_KEYS: 'secret-key-of-32-characters-long=ops:admin' }))).toEqual([]);
});

test('the dev server started with these flags serves the endpoint to its UI', async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'durable-wes-dev-flags-'));
  const [port, uiPort] = [await freePort(), await freePort()];
  const env = { ...process.env, WES_DATA_DIR: dataDir, TEMPORAL_PORT: String(port), TEMPORAL_UI_PORT: String(uiPort) };
  const flags = devServerFlags(loadConfig({ WES_PAYLOAD_KEYS: KEYS, WES_API_PORT: '9090' }));
  const server = await temporalDevServer(`127.0.0.1:${port}`, dataDir, env, flags).start();
  try {
    await server.ready;
    const settings = await eventually(
      () =>
        fetch(`http://127.0.0.1:${uiPort}/api/v1/settings`).then(
          (response) => (response.ok ? (response.json() as Promise<{ Codec: { Endpoint: string } }>) : undefined),
          () => undefined,
        ),
      (body) => body !== undefined,
      { what: 'the Web UI to answer' },
    );
    expect(settings?.Codec.Endpoint).toBe('http://127.0.0.1:9090/ga4gh/wes/v1/codec');
    // temporal-dev.sh registers the search attributes from their one declaration, with their types.
    const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
    try {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
      const registered = Object.fromEntries(
        Object.entries(customAttributes).map(([name, type]) => [name, temporal.api.enums.v1.IndexedValueType[type]]),
      );
      expect(registered).toEqual(Object.fromEntries(SEARCH_ATTRIBUTE_KEYS.map((key) => [key.name, `INDEXED_VALUE_TYPE_${key.type}`])));
    } finally {
      await connection.close();
    }
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

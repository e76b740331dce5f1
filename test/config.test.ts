/** The environment, parsed once: defaults for one machine, and a bad or unknown variable refused by name. */
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config';

const root = path.resolve(__dirname, '..');

test('without variables: the defaults of one machine', () => {
  const config = loadConfig({});
  expect(config).toMatchObject({
    temporalAddress: '127.0.0.1:7233',
    temporalNamespace: 'default',
    temporalUiUrl: 'http://127.0.0.1:8233',
    taskQueue: 'durable-wes',
    hostId: os.hostname(),
    dataDir: path.join(root, '.data'),
    workflowRoots: [path.join(root, 'examples')],
    apiHost: '127.0.0.1',
    apiPort: 8080,
    maxAttachmentBytes: 100 * 1024 * 1024,
    postgresPort: 5433,
    exampleRun: true,
    exampleApiUrl: 'http://127.0.0.1:8080/ga4gh/wes/v1',
  });
  expect(config.runTimeout).toBeUndefined();
  expect(config.databaseUrl).toBeUndefined();
  expect(config.workflowBundlePath).toBeUndefined();
  expect(config.authTokens.size).toBe(0);
  expect(config.providers.default).toBe('local');
  expect(config.logLevel).toBe('info');
  expect(config.workerMetrics).toEqual({ host: '127.0.0.1', port: 9464 });
});

test('the worker metrics: another address, or none', () => {
  expect(loadConfig({ WES_WORKER_METRICS_HOST: '0.0.0.0', WES_WORKER_METRICS_PORT: '9100' }).workerMetrics).toEqual({ host: '0.0.0.0', port: 9100 });
  expect(loadConfig({ WES_WORKER_METRICS_PORT: 'off' }).workerMetrics).toBeUndefined();
  expect(loadConfig({ WES_LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
});

test('every variable is read', () => {
  const config = loadConfig({
    TEMPORAL_PORT: '7300',
    TEMPORAL_UI_PORT: '8300',
    TEMPORAL_NAMESPACE: 'wes',
    WES_TASK_QUEUE: 'q',
    WES_HOST_ID: 'host-a',
    WES_RUN_TIMEOUT: '30 days',
    WES_DATA_DIR: '/srv/wes',
    WES_WORKFLOW_ROOTS: `/srv/a${path.delimiter}/srv/b`,
    WES_DEFAULT_PROVIDER: 'simulated',
    WES_CWLTOOL: '/opt/cwltool',
    DATABASE_URL: 'postgres://db/wes',
    WES_API_HOST: '0.0.0.0',
    WES_API_PORT: '9000',
    WES_MAX_ATTACHMENT_BYTES: '1024',
    WES_AUTH_TOKENS: 'abc=alice, def=bob',
    WES_POSTGRES_PORT: '6000',
    WES_DEMO_RUN: '0',
    WORKFLOW_BUNDLE_PATH: '/srv/bundle.js',
  });
  expect(config).toMatchObject({
    temporalAddress: '127.0.0.1:7300',
    temporalNamespace: 'wes',
    temporalUiUrl: 'http://127.0.0.1:8300',
    taskQueue: 'q',
    hostId: 'host-a',
    runTimeout: '30 days',
    dataDir: '/srv/wes',
    workflowRoots: ['/srv/a', '/srv/b'],
    databaseUrl: 'postgres://db/wes',
    apiHost: '0.0.0.0',
    apiPort: 9000,
    maxAttachmentBytes: 1024,
    postgresPort: 6000,
    exampleRun: false,
    exampleApiUrl: 'http://127.0.0.1:9000/ga4gh/wes/v1',
    workflowBundlePath: '/srv/bundle.js',
  });
  expect([...config.authTokens]).toEqual([
    ['abc', 'alice'],
    ['def', 'bob'],
  ]);
  expect(config.providers.default).toBe('simulated');
  expect(config.providers.providers.local).toMatchObject({ cwltool: '/opt/cwltool', workflowRoots: ['/srv/a', '/srv/b'] });

  const explicit = loadConfig({ TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_UI_URL: 'https://ui.example.org', WES_URL: 'http://wes:1/ga4gh/wes/v1' });
  expect(explicit).toMatchObject({
    temporalAddress: 'temporal:7233',
    temporalUiUrl: 'https://ui.example.org',
    exampleApiUrl: 'http://wes:1/ga4gh/wes/v1',
  });
});

test('an empty variable is an unset one', () => {
  expect(loadConfig({ WES_HOST_ID: '', DATABASE_URL: '', WES_API_PORT: '' })).toMatchObject({ hostId: os.hostname(), apiPort: 8080 });
  expect(loadConfig({ DATABASE_URL: '' }).databaseUrl).toBeUndefined();
});

test.each([
  [{ WES_API_PORT: '80a' }, 'WES_API_PORT: expected an integer from 1 to 65535, got "80a"'],
  [{ WES_API_PORT: '0x50' }, 'WES_API_PORT: expected an integer from 1 to 65535, got "0x50"'],
  [{ TEMPORAL_PORT: '70000' }, 'TEMPORAL_PORT: expected an integer from 1 to 65535, got "70000"'],
  [{ WES_POSTGRES_PORT: ' 5433' }, 'WES_POSTGRES_PORT: expected an integer from 1 to 65535, got " 5433"'],
  [{ WES_MAX_ATTACHMENT_BYTES: '10MB' }, 'WES_MAX_ATTACHMENT_BYTES: expected an integer from 1 to'],
  [{ WES_RUN_TIMEOUT: 'a month' }, `WES_RUN_TIMEOUT: expected a duration such as '30 days' or '12h', got "a month"`],
  [{ WES_RUN_TIMEOUT: '0s' }, 'WES_RUN_TIMEOUT: expected a duration'],
  [{ WES_AUTH_TOKENS: 'abc' }, 'WES_AUTH_TOKENS: expected token=owner pairs separated by commas, got "abc"'],
  [{ WES_AUTH_TOKENS: 'abc=alice,=bob' }, 'WES_AUTH_TOKENS: expected token=owner pairs'],
  [{ WES_DEMO_RUN: 'no' }, 'WES_DEMO_RUN: expected 0 or 1'],
  [{ TEMPORAL_UI_URL: 'ui.example.org' }, 'TEMPORAL_UI_URL: expected an http(s) URL'],
  [{ WES_API_PROT: '8080' }, 'WES_API_PROT: not a variable of durable-wes'],
  [{ WES_WORKER_METRICS_PORT: '0' }, 'WES_WORKER_METRICS_PORT: expected a port from 1 to 65535 or off'],
  [{ WES_LOG_LEVEL: 'verbose' }, 'WES_LOG_LEVEL: expected one of trace, debug, info, warn, error'],
  [{ WES_PROVIDERS: '{"default":"a","providers":{"a":{"kind":"wes","baseUrl":"ftp://x"}}}' }, 'WES_PROVIDERS: providers.a.baseUrl: must be an http(s) URL'],
])('%j is refused: %s', (env, reason) => {
  expect(() => loadConfig(env)).toThrow(reason);
});

test('every problem is told at once', () => {
  expect(() => loadConfig({ WES_API_PORT: 'x', WES_RUN_TIMOUT: '1h' })).toThrow(
    'WES_RUN_TIMOUT: not a variable of durable-wes; WES_API_PORT: expected an integer from 1 to 65535, got "x"',
  );
});

test('variables of other programs pass', () => {
  expect(() => loadConfig({ PATH: '/bin', WESTERN: '1', TEMPORAL_CLI_VERSION: '1' })).not.toThrow();
});

test("a wes provider's tokenEnv is read from the environment given", () => {
  const providers = '{"default":"a","providers":{"a":{"kind":"wes","baseUrl":"http://x.org","tokenEnv":"A_TOKEN"}}}';
  expect(loadConfig({ WES_PROVIDERS: providers, A_TOKEN: 'secret' }).providers.providers.a).toMatchObject({ token: 'secret' });
  expect(() => loadConfig({ WES_PROVIDERS: providers })).toThrow('WES_PROVIDERS: providers.a.tokenEnv: environment variable A_TOKEN is not set');
});

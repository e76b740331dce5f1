/** The environment, parsed once: defaults for one machine, and a bad or unknown variable refused by name. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { authEnabled } from '../src/config/auth-config';
import { loadConfig } from '../src/config/config';
import { hostMemoryBytes } from '../src/worker/host-memory';
import { defaultBudgetMiB, heapFlags, workerSizing } from '../src/worker/worker-sizing';

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
  expect(config.auth).toEqual({ off: false, apiKeys: [], jwt: undefined, instructionsUrl: undefined });
  expect(config).toMatchObject({
    maxAttachments: 1000,
    maxUploadBytes: 1024 ** 3,
    maxBodyBytes: 10 * 1024 ** 2,
    rateLimit: { limit: 3000, windowMs: 60_000 },
  });
  expect(config.providers.default).toBe('local');
  expect(config.logLevel).toBe('info');
  expect(config.workerMetrics).toEqual({ host: '127.0.0.1', port: 9464 });
  expect(config.workerSizing).toEqual(workerSizing(defaultBudgetMiB(hostMemoryBytes())));
});

test("the worker's memory budget: given, or a sixteenth of the host's between 320 and 448 MiB", () => {
  expect(loadConfig({ WES_WORKER_MEMORY: '1024' }).workerSizing.budgetMiB).toBe(1024);
  expect(defaultBudgetMiB(24 * 1024 ** 3)).toBe(448);
  expect(defaultBudgetMiB(6 * 1024 ** 3)).toBe(384);
  expect(defaultBudgetMiB(2 * 1024 ** 3)).toBe(320);
});

test('the worker sized from its budget: a larger budget holds more, every heap within it', () => {
  const small = workerSizing(320);
  const large = workerSizing(1024);
  for (const sizing of [small, workerSizing(448), large]) {
    // Two isolates, each at most its old space and three semi-spaces, plus what is outside V8.
    expect(2 * (sizing.heapMiB + 3 * sizing.semiSpaceMiB) + 160).toBeLessThanOrEqual(sizing.budgetMiB);
    expect(sizing.workflowTasks).toBeGreaterThanOrEqual(2);
    expect(sizing.localActivities).toBeGreaterThanOrEqual(sizing.workflowTasks);
  }
  expect(large.workflowCache).toBeGreaterThan(small.workflowCache);
  expect(large.activities).toBeGreaterThan(small.activities);
  expect(heapFlags(small)).toEqual([`--max-old-space-size=${small.heapMiB}`, `--max-semi-space-size=${small.semiSpaceMiB}`]);
});

test('the worker workflow cache: any size, 0 turns it off', () => {
  expect(loadConfig({ WES_WORKER_CACHE: '250' }).workerSizing.workflowCache).toBe(250);
  expect(loadConfig({ WES_WORKER_CACHE: '0' }).workerSizing.workflowCache).toBe(0);
});

test('the host memory is the lower of the machine and its cgroup limit, none meaning none', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cgroup-'));
  const limit = path.join(dir, 'memory.max');
  writeFileSync(limit, `${512 * 1024 ** 2}\n`);
  expect(hostMemoryBytes([limit])).toBe(512 * 1024 ** 2);
  writeFileSync(limit, 'max\n');
  expect(hostMemoryBytes([limit, path.join(dir, 'absent')])).toBe(os.totalmem());
  rmSync(dir, { recursive: true });
});

test('the worker metrics: another address, or none', () => {
  expect(loadConfig({ WES_WORKER_METRICS_HOST: '0.0.0.0', WES_WORKER_METRICS_PORT: '9100' }).workerMetrics).toEqual({
    host: '0.0.0.0',
    port: 9100,
  });
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
    WES_API_KEYS: 'alice-0123456789abcdef=alice:runs:read+runs:write, ops-0123456789abcdef==ops:admin',
    WES_JWT_JWKS_URL: 'https://idp.example.org/.well-known/jwks.json',
    WES_JWT_ISSUER: 'https://idp.example.org/',
    WES_JWT_AUDIENCE: 'durable-wes',
    WES_JWT_OWNER_CLAIM: 'email',
    WES_AUTH_INSTRUCTIONS_URL: 'https://wiki.example.org/wes-tokens',
    WES_MAX_ATTACHMENTS: '10',
    WES_MAX_UPLOAD_BYTES: '2048',
    WES_MAX_BODY_BYTES: '512',
    WES_RATE_LIMIT: '600/30s',
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
    maxAttachments: 10,
    maxUploadBytes: 2048,
    maxBodyBytes: 512,
    rateLimit: { limit: 600, windowMs: 30_000 },
    postgresPort: 6000,
    exampleRun: false,
    exampleApiUrl: 'http://127.0.0.1:9000/ga4gh/wes/v1',
    workflowBundlePath: '/srv/bundle.js',
  });
  expect(config.auth).toEqual({
    off: false,
    apiKeys: [
      { key: 'alice-0123456789abcdef', owner: 'alice', scopes: ['runs:read', 'runs:write'] },
      // A key may end in base64's '=' padding: the owner holds none.
      { key: 'ops-0123456789abcdef=', owner: 'ops', scopes: ['admin'] },
    ],
    jwt: {
      jwksUrl: 'https://idp.example.org/.well-known/jwks.json',
      issuer: 'https://idp.example.org/',
      audience: 'durable-wes',
      ownerClaim: 'email',
    },
    instructionsUrl: 'https://wiki.example.org/wes-tokens',
  });
  expect(config.providers.default).toBe('simulated');
  expect(config.providers.providers.local).toMatchObject({ cwltool: '/opt/cwltool', workflowRoots: ['/srv/a', '/srv/b'] });

  const explicit = loadConfig({
    TEMPORAL_ADDRESS: 'temporal:7233',
    TEMPORAL_UI_URL: 'https://ui.example.org',
    WES_URL: 'http://wes:1/ga4gh/wes/v1',
  });
  expect(explicit).toMatchObject({
    temporalAddress: 'temporal:7233',
    temporalUiUrl: 'https://ui.example.org',
    exampleApiUrl: 'http://wes:1/ga4gh/wes/v1',
  });
});

test('a worker deployment version: both its name and its build id, or unversioned workers', () => {
  expect(loadConfig({}).workerDeployment).toBeUndefined();
  expect(loadConfig({ WES_DEPLOYMENT_NAME: 'durable-wes', WES_BUILD_ID: 'v1.4.0' }).workerDeployment).toEqual({
    deploymentName: 'durable-wes',
    buildId: 'v1.4.0',
  });
  expect(() => loadConfig({ WES_DEPLOYMENT_NAME: 'durable-wes' })).toThrow('WES_BUILD_ID: required with WES_DEPLOYMENT_NAME');
  expect(() => loadConfig({ WES_BUILD_ID: 'v1.4.0' })).toThrow('WES_DEPLOYMENT_NAME: required with WES_BUILD_ID');
  expect(() => loadConfig({ WES_DEPLOYMENT_NAME: 'durable.wes', WES_BUILD_ID: 'v1' })).toThrow(
    "WES_DEPLOYMENT_NAME: expected up to 200 characters without '.' or ':'",
  );
  expect(() => loadConfig({ WES_DEPLOYMENT_NAME: 'wes', WES_BUILD_ID: '__unversioned__' })).toThrow(
    "WES_BUILD_ID: expected up to 200 characters, not starting with '__'",
  );
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
  [{ WES_API_KEYS: 'abc' }, 'WES_API_KEYS: entry 1: expected key=owner:scope+scope (scopes: runs:read, runs:write, admin)'],
  [{ WES_API_KEYS: '0123456789abcdef=alice' }, 'WES_API_KEYS: entry 1: expected key=owner:scope+scope'],
  [
    { WES_API_KEYS: '0123456789abcdef=alice:runs:read,0123456789abcdeg=bob:runs:delete' },
    'WES_API_KEYS: entry 2 (owner bob): unknown scope runs:delete; expected runs:read, runs:write, admin',
  ],
  [{ WES_API_KEYS: 'short=alice:admin' }, 'WES_API_KEYS: entry 1 (owner alice): the key is shorter than 16 characters'],
  [
    { WES_API_KEYS: '0123456789abcdef=alice:admin,0123456789abcdef=bob:admin' },
    'WES_API_KEYS: entry 2 (owner bob): the same key as an earlier entry',
  ],
  [{ WES_AUTH: 'none' }, 'WES_AUTH: expected off, or unset'],
  [
    { WES_AUTH: 'off', WES_API_KEYS: '0123456789abcdef=alice:admin' },
    'WES_AUTH: off contradicts the WES_API_KEYS or WES_JWT_JWKS_URL also given',
  ],
  [
    { WES_JWT_JWKS_URL: 'https://idp.example.org/jwks' },
    'WES_JWT_ISSUER: required with WES_JWT_JWKS_URL; WES_JWT_AUDIENCE: required with WES_JWT_JWKS_URL',
  ],
  [{ WES_JWT_ISSUER: 'https://idp.example.org/' }, 'WES_JWT_ISSUER: has no effect without WES_JWT_JWKS_URL'],
  [{ WES_JWT_JWKS_URL: 'idp.example.org/jwks' }, 'WES_JWT_JWKS_URL: expected an http(s) URL'],
  [{ WES_RATE_LIMIT: '600' }, 'WES_RATE_LIMIT: expected requests per window such as \'600/1m\', or off, got "600"'],
  [{ WES_RATE_LIMIT: '0/1m' }, 'WES_RATE_LIMIT: expected requests per window'],
  [{ WES_MAX_ATTACHMENTS: '0' }, 'WES_MAX_ATTACHMENTS: expected an integer from 1 to 100000, got "0"'],
  [{ WES_DEMO_RUN: 'no' }, 'WES_DEMO_RUN: expected 0 or 1'],
  [{ TEMPORAL_UI_URL: 'ui.example.org' }, 'TEMPORAL_UI_URL: expected an http(s) URL'],
  [{ WES_API_PROT: '8080' }, 'WES_API_PROT: not a variable of durable-wes'],
  [{ WES_WORKER_METRICS_PORT: '0' }, 'WES_WORKER_METRICS_PORT: expected a port from 1 to 65535 or off'],
  [{ WES_WORKER_CACHE: 'lots' }, 'WES_WORKER_CACHE: expected an integer from 0 to 1000000, got "lots"'],
  [{ WES_WORKER_MEMORY: '200' }, 'WES_WORKER_MEMORY: expected an integer from 320 to 1000000, got "200"'],
  [{ WES_LOG_LEVEL: 'verbose' }, 'WES_LOG_LEVEL: expected one of trace, debug, info, warn, error'],
  [
    { WES_PROVIDERS: '{"default":"a","providers":{"a":{"kind":"wes","baseUrl":"ftp://x"}}}' },
    'WES_PROVIDERS: providers.a.baseUrl: must be an http(s) URL',
  ],
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
  expect(() => loadConfig({ WES_PROVIDERS: providers })).toThrow(
    'WES_PROVIDERS: providers.a.tokenEnv: environment variable A_TOKEN is not set',
  );
});

test('WES_RATE_LIMIT=off is no limit', () => {
  expect(loadConfig({ WES_RATE_LIMIT: 'off' }).rateLimit).toBeUndefined();
});

test('a refused API key is never shown: messages name its entry and owner', () => {
  expect(() => loadConfig({ WES_API_KEYS: 'topsecret=alice:admin' })).toThrow(
    expect.objectContaining({ message: expect.not.stringContaining('topsecret') }),
  );
});

describe('auth is required outside the embedded default', () => {
  const apiHost = '0.0.0.0';
  const databaseUrl = 'postgres://db/wes';
  const none = { off: false, apiKeys: [] };

  test('off on the embedded default: no DATABASE_URL and a loopback host', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1']) expect(authEnabled({ auth: none, apiHost: host })).toBe(false);
  });

  test.each([
    ['a DATABASE_URL', { databaseUrl, apiHost: '127.0.0.1' }],
    ['a host that is not loopback', { apiHost }],
  ])('with %s and nothing configured, the start is refused, naming the variables to set', (_what, place) => {
    expect(() => authEnabled({ auth: none, ...place })).toThrow(
      /set WES_API_KEYS .* or WES_JWT_JWKS_URL with WES_JWT_ISSUER and WES_JWT_AUDIENCE; or set WES_AUTH=off/,
    );
  });

  test('WES_AUTH=off opens it anywhere; configured credentials turn it on anywhere', () => {
    expect(authEnabled({ auth: { ...none, off: true }, databaseUrl, apiHost })).toBe(false);
    const keys = loadConfig({ WES_API_KEYS: '0123456789abcdef=alice:admin' }).auth;
    expect(authEnabled({ auth: keys, apiHost: '127.0.0.1' })).toBe(true);
    expect(authEnabled({ auth: keys, databaseUrl, apiHost })).toBe(true);
  });
});

/** Providers are configuration: every kind builds from it, and a bad document is refused naming the key. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createProviderRegistry } from '../activities/providers';
import { loadProvidersConfig, parseProvidersConfig, providerSettings } from '../activities/providers/config';
import { repoRoot } from '../activities/repo-root';

const ALL_KINDS = {
  default: 'local',
  providers: {
    local: { kind: 'local', workflowRoots: ['/srv/workflows'], maxConcurrent: 4 },
    sim: { kind: 'simulated' },
    upstream: { kind: 'wes', baseUrl: 'http://127.0.0.1:9/ga4gh/wes/v1', tokenEnv: 'UPSTREAM_TOKEN' },
    omics: {
      kind: 'healthomics',
      region: 'eu-west-1',
      roleArn: 'arn:aws:iam::123456789012:role/omics',
      outputUri: 's3://bucket/runs',
    },
  },
};

test('every provider kind builds from configuration, with its concurrency limit', () => {
  const registry = createProviderRegistry({ providers: parseProvidersConfig(ALL_KINDS, 'test', { UPSTREAM_TOKEN: 'secret' }) });
  expect(registry.names()).toEqual(['local', 'sim', 'upstream', 'omics']);
  expect(registry.names().map((name) => registry.get(name).kind)).toEqual(['local', 'simulated', 'wes', 'healthomics']);
  expect(registry.concurrency('local')).toBe(4);
  expect(registry.concurrency('sim')).toBe(50);
  expect(registry.defaultProvider).toBe('local');
});

test('each kind gets its defaults', () => {
  const { providers } = parseProvidersConfig(ALL_KINDS, 'test', { UPSTREAM_TOKEN: 'secret' });
  expect(providers).toEqual({
    local: {
      kind: 'local',
      maxConcurrent: 4,
      // Each engine version from its venv there; no executable replaces a default.
      engineCache: path.join(repoRoot, '.cache', 'engines'),
      containers: 'none',
      workflowRoots: ['/srv/workflows'],
      pollIntervalMs: 1000,
      cancelGraceMs: 3000,
      warmStart: true,
      fetch: { allow: [], maxBytes: 1024 ** 3, maxRunBytes: 10 * 1024 ** 3, timeoutMs: 1_800_000, maxRedirects: 5 },
      maxEngines: Math.max(2, 2 * os.availableParallelism()),
      sandbox: {
        user: 'durable-wes-run',
        memory: 8 * 2 ** 30,
        processes: 1024,
        wallTimeSeconds: 7 * 24 * 3600,
        disk: 100 * 2 ** 30,
        logBytes: 64 * 2 ** 20,
        env: [],
        egress: false,
        egressAllow: [],
        egressPorts: [80, 443],
        egressConnections: 64,
        egressBytes: 10 * 2 ** 30,
        egressIdleSeconds: 300,
      },
    },
    sim: { kind: 'simulated', pollIntervalMs: 200 },
    upstream: {
      kind: 'wes',
      baseUrl: 'http://127.0.0.1:9/ga4gh/wes/v1',
      token: 'secret',
      pollIntervalMs: 5000,
      requestTimeoutMs: 30_000,
      recoveryMaxPages: 10,
      recoveryMaxRuns: 1000,
    },
    omics: { ...ALL_KINDS.providers.omics, pollIntervalMs: 30_000 },
  });
});

test('every setting of every kind can be set', () => {
  const providers = {
    local: {
      kind: 'local',
      maxConcurrent: 2,
      engineCache: '/var/cache/engines',
      cwltool: '/opt/cwltool',
      snakemake: '/opt/snakemake',
      miniwdl: '/opt/miniwdl',
      containers: 'podman',
      workflowRoots: ['/a', '/b'],
      pollIntervalMs: 50,
      cancelGraceMs: 10_000,
      warmStart: false,
      fetch: { allow: ['10.1.0.0/16', '*.internal.example'], maxBytes: 1000, maxRunBytes: 5000, timeoutMs: 60_000, maxRedirects: 0 },
      maxEngines: 3,
      sandbox: {
        user: 'runner',
        memory: 2 ** 30,
        processes: 100,
        cpus: 1.5,
        wallTimeSeconds: 60,
        disk: 2 ** 31,
        logBytes: 2 ** 20,
        env: ['FOO'],
        egress: true,
        egressAllow: ['10.1.0.0/16', 'mirror.internal.example'],
        egressPorts: [443],
        egressConnections: 8,
        egressBytes: 2 ** 30,
        egressIdleSeconds: 60,
      },
    },
    sim: { kind: 'simulated', maxConcurrent: 3, pollIntervalMs: 20 },
    upstream: {
      kind: 'wes',
      maxConcurrent: 5,
      baseUrl: 'https://wes.example.org/ga4gh/wes/v1',
      token: 'inline',
      pollIntervalMs: 1000,
      requestTimeoutMs: 2000,
      recoveryMaxPages: 3,
      recoveryMaxRuns: 30,
    },
    omics: {
      kind: 'healthomics',
      maxConcurrent: 6,
      region: 'us-east-1',
      roleArn: 'arn:aws-us-gov:iam::123456789012:role/omics',
      outputUri: 's3://bucket',
      storageCapacity: 1200,
      workflowType: 'READY2RUN',
      pollIntervalMs: 60_000,
    },
  };
  expect(parseProvidersConfig({ default: 'sim', providers }, 'test').providers).toEqual(providers);

  const registry = createProviderRegistry({ providers: parseProvidersConfig({ default: 'sim', providers }, 'test') });
  expect(['local', 'sim', 'upstream', 'omics'].map((name) => registry.get(name).pollIntervalMs)).toEqual([50, 20, 1000, 60_000]);
  expect(['local', 'sim', 'upstream', 'omics'].map((name) => registry.concurrency(name))).toEqual([2, 3, 5, 6]);
});

test("a wes provider's base URL loses its trailing slashes", () => {
  expect(providerSettings('wes', { baseUrl: 'http://wes.example.org/ga4gh/wes/v1//' }).baseUrl).toBe('http://wes.example.org/ga4gh/wes/v1');
});

test('tokenEnv names the variable holding the token: resolved from the environment given, refused when unset', () => {
  expect(providerSettings('wes', { baseUrl: 'http://x.org', tokenEnv: 'UPSTREAM_TOKEN' }, { UPSTREAM_TOKEN: 'secret' })).toMatchObject({
    token: 'secret',
  });
  expect(providerSettings('wes', { baseUrl: 'http://x.org', tokenEnv: 'UPSTREAM_TOKEN' }, { UPSTREAM_TOKEN: 'secret' })).not.toHaveProperty(
    'tokenEnv',
  );
  expect(() => parseProvidersConfig(ALL_KINDS, 'WES_PROVIDERS', {})).toThrow(
    'WES_PROVIDERS: providers.upstream.tokenEnv: environment variable UPSTREAM_TOKEN is not set',
  );
  expect(() => providerSettings('wes', { baseUrl: 'http://x.org', token: 't', tokenEnv: 'T' }, { T: 't' })).toThrow(
    'wes: tokenEnv: set token or tokenEnv, not both',
  );
});

const one = (provider: Record<string, unknown>) => ({ default: 'a', providers: { a: provider } });
const omics = { kind: 'healthomics', region: 'eu-west-1', roleArn: 'arn:aws:iam::123456789012:role/omics', outputUri: 's3://bucket' };

test.each([
  [[], 'providers.json: Invalid input: expected object'],
  [{ default: 'x', providers: {} }, 'providers.json: providers: must name at least one provider'],
  [{ default: 'a', providers: { a: { kind: 'local' } }, extra: 1 }, 'providers.json: extra: unknown setting'],
  [one({ kind: 'docker' }), 'providers.json: providers.a.kind: kind must be one of simulated, local, wes, healthomics'],
  [one({ kind: 'local', maxConcurrent: 0 }), 'providers.a.maxConcurrent: must be a positive integer'],
  [one({ kind: 'local', maxConcurent: 4 }), 'providers.a.maxConcurent: unknown setting'],
  [{ default: 'b', providers: { a: { kind: 'local' } } }, 'providers.json: default: must name one of the providers (a)'],
  [{ default: 'A', providers: { A: { kind: 'local' } } }, "providers.A: a provider's name must be lower-case letters, digits, '-' or '_'"],
  [one({ kind: 'local', workflowRoots: 'not-a-list' }), 'providers.a.workflowRoots: Invalid input: expected array'],
  [one({ kind: 'local', workflowRoots: ['relative/dir'] }), 'providers.a.workflowRoots.0: must be an absolute path'],
  [one({ kind: 'local', warmStart: 'yes' }), 'providers.a.warmStart: must be true or false'],
  [
    one({ kind: 'local', fetch: { allow: ['10.0.0.0/40'] } }),
    'providers.a.fetch.allow.0: must be an address or a network such as 10.1.0.0/16 (at most /32)',
  ],
  [one({ kind: 'local', fetch: { maxRedirects: 21 } }), 'providers.a.fetch.maxRedirects: must be an integer from 0 to 20'],
  [one({ kind: 'local', cwltool: '' }), 'providers.a.cwltool: must not be empty'],
  [one({ kind: 'simulated', pollIntervalMs: 1.5 }), 'providers.a.pollIntervalMs: must be a positive integer'],
  [one({ kind: 'wes', baseUrl: 'ftp://example.org/' }), 'providers.a.baseUrl: must be an http(s) URL'],
  [one({ kind: 'wes', baseUrl: 'not a url' }), 'providers.a.baseUrl: must be an http(s) URL'],
  [one({ kind: 'wes', baseUrl: 'http://x.org', recoveryMaxRuns: -1 }), 'providers.a.recoveryMaxRuns: must be a positive integer'],
  [one({ ...omics, region: undefined }), 'providers.a.region: is required'],
  [one({ ...omics, roleArn: 'arn:aws:iam::1:role/omics' }), 'providers.a.roleArn: must be an IAM role ARN'],
  [one({ ...omics, outputUri: 'https://bucket' }), 'providers.a.outputUri: must be an s3:// URI'],
  [one({ ...omics, storageCapacity: 100_001 }), 'providers.a.storageCapacity: must be an integer from 1 to 100000 (GiB)'],
  [one({ ...omics, storageCapacity: 0 }), 'providers.a.storageCapacity:'],
  [one({ ...omics, workflowType: 'PUBLIC' }), 'providers.a.workflowType:'],
])('%j is refused: %s', (document, reason) => {
  expect(() => parseProvidersConfig(document, 'providers.json')).toThrow(reason);
});

test('every problem of a document is told at once', () => {
  const document = one({ kind: 'wes', baseUrl: 'ftp://x', pollIntervalMs: 0 });
  expect(() => parseProvidersConfig(document, 'test')).toThrow(
    'test: providers.a.baseUrl: must be an http(s) URL; providers.a.pollIntervalMs: must be a positive integer',
  );
});

describe('loading', () => {
  test('without configuration: local (the default) and simulated, with their defaults', () => {
    expect(loadProvidersConfig({ workflowRoots: ['/srv/examples'] }, {})).toEqual({
      default: 'local',
      providers: {
        local: expect.objectContaining({ kind: 'local', workflowRoots: ['/srv/examples'], engineCache: expect.any(String) }),
        simulated: { kind: 'simulated', pollIntervalMs: 200 },
      },
    });
    const chosen = loadProvidersConfig({ workflowRoots: [], defaultProvider: 'simulated', cwltool: '/opt/cwltool' }, {});
    expect(chosen.default).toBe('simulated');
    expect(chosen.providers.local).toMatchObject({ cwltool: '/opt/cwltool' });
    expect(() => loadProvidersConfig({ workflowRoots: [], defaultProvider: 'nope' }, {})).toThrow(
      'WES_DEFAULT_PROVIDER: default: must name one of the providers (local, simulated)',
    );
  });

  test('from WES_PROVIDERS, and from WES_PROVIDERS_FILE before it', async () => {
    const env = { UPSTREAM_TOKEN: 'secret' };
    expect(loadProvidersConfig({ json: JSON.stringify(ALL_KINDS), workflowRoots: [] }, env).default).toBe('local');
    expect(() => loadProvidersConfig({ json: '{"default":', workflowRoots: [] }, env)).toThrow(/^WES_PROVIDERS: not JSON: /);

    const dir = await mkdtemp(path.join(os.tmpdir(), 'providers-config-'));
    try {
      const file = path.join(dir, 'providers.json');
      await writeFile(file, JSON.stringify({ ...ALL_KINDS, default: 'sim' }));
      expect(loadProvidersConfig({ file, json: JSON.stringify(ALL_KINDS), workflowRoots: [] }, env).default).toBe('sim');
      await writeFile(file, JSON.stringify(one({ kind: 'local', pollIntervalMs: 'fast' })));
      expect(() => loadProvidersConfig({ file, workflowRoots: [] }, env)).toThrow(
        `${file}: providers.a.pollIntervalMs: must be a positive integer`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** Providers are configuration: every kind builds from it, and a bad document is refused with a reason. */
import { createProviderRegistry } from '../activities/providers';
import { loadProvidersConfig, parseProvidersConfig } from '../activities/providers/config';

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
  process.env.UPSTREAM_TOKEN = 'secret';
  const registry = createProviderRegistry({ providers: parseProvidersConfig(ALL_KINDS, 'test') });
  expect(registry.names()).toEqual(['local', 'sim', 'upstream', 'omics']);
  expect(registry.names().map((name) => registry.get(name).kind)).toEqual(['local', 'simulated', 'wes', 'healthomics']);
  expect(registry.concurrency('local')).toBe(4);
  expect(registry.concurrency('sim')).toBe(50);
  expect(registry.defaultProvider).toBe('local');
});

test('a wes provider whose token variable is unset is refused at start-up', () => {
  delete process.env.UPSTREAM_TOKEN;
  expect(() => createProviderRegistry({ providers: parseProvidersConfig(ALL_KINDS, 'test') })).toThrow(
    "provider 'upstream': environment variable UPSTREAM_TOKEN is not set",
  );
});

test.each([
  [[], 'expected a JSON object'],
  [{ default: 'x', providers: {} }, '"providers" is empty'],
  [{ default: 'a', providers: { a: { kind: 'docker' } } }, "provider 'a': kind must be one of"],
  [{ default: 'a', providers: { a: { kind: 'local', maxConcurrent: 0 } } }, 'maxConcurrent must be a positive integer'],
  [{ default: 'b', providers: { a: { kind: 'local' } } }, '"default" must name one of the providers (a)'],
  [{ default: 'A', providers: { A: { kind: 'local' } } }, "provider name 'A' must be lower-case"],
])('%j is refused: %s', (document, reason) => {
  expect(() => parseProvidersConfig(document, 'providers.json')).toThrow(reason);
});

test('kind-specific settings are checked when the provider is built', () => {
  const bad = { default: 'l', providers: { l: { kind: 'local', workflowRoots: 'not-a-list' } } };
  expect(() => createProviderRegistry({ providers: parseProvidersConfig(bad, 'test') })).toThrow(
    "provider 'l': workflowRoots must be an array of strings",
  );
});

test('without configuration: local (the default) and simulated', () => {
  const config = loadProvidersConfig({}, ['/srv/examples']);
  expect(config).toEqual({
    default: 'local',
    providers: { local: { kind: 'local', workflowRoots: ['/srv/examples'] }, simulated: { kind: 'simulated' } },
  });
  expect(loadProvidersConfig({ WES_PROVIDERS: JSON.stringify(ALL_KINDS) }, []).default).toBe('local');
});

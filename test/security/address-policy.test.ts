/** The addresses the worker may fetch inputs from, as URLs name them and as DNS answers them. */
import { AddressPolicy, allowEntryProblem, literalAddress, notPublic } from '../../activities/fetch/address-policy';
import { urlRefusal } from '../../activities/fetch/download';
import { loaderDirective } from '../../activities/fetch/loader-directives';

test.each([
  ['127.0.0.1', 'loopback'],
  ['127.255.0.9', 'loopback'],
  ['10.1.2.3', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.1.1', 'private'],
  ['169.254.169.254', 'cloud metadata'],
  ['169.254.0.1', 'link-local'],
  ['100.64.0.1', 'carrier-grade NAT'],
  ['0.0.0.0', 'unspecified'],
  ['224.0.0.1', 'multicast'],
  ['255.255.255.255', 'reserved'],
  ['::', 'unspecified'],
  ['::1', 'loopback'],
  ['fe80::1', 'link-local'],
  ['fe80::1%eth0', 'link-local'],
  ['fc00::1', 'private (unique local)'],
  ['fd12:3456::1', 'private (unique local)'],
  ['ff02::1', 'multicast'],
  // IPv4 inside IPv6: mapped, compatible, NAT64, 6to4.
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['::ffff:a9fe:a9fe', 'cloud metadata'],
  ['0:0:0:0:0:ffff:10.0.0.1', 'private'],
  ['::7f00:1', 'loopback'],
  ['64:ff9b::c0a8:101', 'private'],
  ['2002:7f00:1::', 'loopback'],
])('%s is not public: %s', (address, why) => {
  expect(notPublic(address)).toBe(why);
});

test.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '2002:808:808::'])(
  '%s is public',
  (address) => {
    expect(notPublic(address)).toBeUndefined();
  },
);

test('URL parsing normalises decimal, octal, hex and short IPv4 forms, so each is judged as the address it is', () => {
  const policy = new AddressPolicy();
  for (const url of [
    'http://2130706433/',
    'http://0x7f.1/',
    'http://0177.0.0.1/',
    'http://127.1/',
    'http://%31%32%37.0.0.1/',
    'http://[::ffff:127.0.0.1]/',
  ]) {
    expect(urlRefusal(new URL(url), policy)).toMatch(/^(127\.0\.0\.1|::ffff:7f00:1) is a loopback address$/);
  }
  expect(urlRefusal(new URL('http://0/'), policy)).toBe('0.0.0.0 is an unspecified address');
  expect(urlRefusal(new URL('http://[fe80::1]:8080/x'), policy)).toBe('fe80::1 is a link-local address');
  expect(urlRefusal(new URL('http://169.254.169.254/latest/meta-data/'), policy)).toBe('169.254.169.254 is a cloud metadata address');
  expect(urlRefusal(new URL('http://8.8.8.8/'), policy)).toBeUndefined();
});

test('localhost and its subdomains are loopback without asking DNS; other names are judged once resolved', () => {
  expect(literalAddress('localhost')).toBe('127.0.0.1');
  expect(literalAddress('LOCALHOST.')).toBe('127.0.0.1');
  expect(literalAddress('api.localhost')).toBe('127.0.0.1');
  expect(literalAddress('localhost.example.org')).toBeUndefined();
  expect(literalAddress('[::1]')).toBe('::1');
  const policy = new AddressPolicy();
  expect(urlRefusal(new URL('http://localhost:9464/metrics'), policy)).toBe('127.0.0.1 is a loopback address');
  // The download judges a name by its resolved address, not by its spelling.
  expect(urlRefusal(new URL('http://localhost:9464/metrics'), policy, { byName: false })).toBeUndefined();
  expect(urlRefusal(new URL('http://files.example.org/a.txt'), policy)).toBeUndefined();
  expect(urlRefusal(new URL('ftp://files.example.org/a.txt'), policy)).toBe('only http and https URLs are fetched, not ftp:');
});

test('the allow-list adds networks, addresses and host names to the public addresses, and nothing else', () => {
  const policy = new AddressPolicy(['10.1.0.0/16', '127.0.0.1', 'fd00::/8', 'files.internal', '*.corp.example']);
  expect(policy.refusal('x', '10.1.200.3')).toBeUndefined();
  expect(policy.refusal('x', '10.2.0.1')).toBe('10.2.0.1 is a private address');
  expect(policy.refusal('x', '127.0.0.1')).toBeUndefined();
  expect(policy.refusal('x', '::ffff:127.0.0.1')).toBeUndefined();
  expect(policy.refusal('x', '127.0.0.2')).toBe('127.0.0.2 is a loopback address');
  expect(policy.refusal('x', 'fd00::5')).toBeUndefined();
  expect(policy.refusal('x', '169.254.169.254')).toBe('169.254.169.254 is a cloud metadata address');
  // A host allowed by name is trusted whatever it resolves to.
  expect(policy.refusal('files.internal', '192.168.0.9')).toBeUndefined();
  expect(policy.refusal('FILES.internal.', '192.168.0.9')).toBeUndefined();
  expect(policy.refusal('a.b.corp.example', '192.168.0.9')).toBeUndefined();
  expect(policy.refusal('corp.example', '192.168.0.9')).toBe('192.168.0.9 is a private address');
  expect(policy.refusal('evilcorp.example', '192.168.0.9')).toBe('192.168.0.9 is a private address');
  expect(policy.refusal('files.internal.evil.example', '192.168.0.9')).toBe('192.168.0.9 is a private address');
});

test.each([
  ['10.1.0.0/16', undefined],
  ['::1', undefined],
  ['fd00::/8', undefined],
  ['*.internal.example', undefined],
  ['files.internal', undefined],
  ['10.1.0.0/33', 'must be an address or a network such as 10.1.0.0/16 (at most /32)'],
  ['10.1.0.0/16/2', 'must be an address or a network such as 10.1.0.0/16 (at most /32)'],
  ['http://x', 'must be an address, a network such as 10.1.0.0/16, a host name, or *. and a domain'],
  ['*', 'must be an address, a network such as 10.1.0.0/16, a host name, or *. and a domain'],
  ['a.*.example', 'must be an address, a network such as 10.1.0.0/16, a host name, or *. and a domain'],
])('allow-list entry %s: %s', (entry, problem) => {
  expect(allowEntryProblem(entry)).toBe(problem);
});

test('loader directives are found at any depth, and named by their path', () => {
  expect(loaderDirective({ msg: { $include: '/etc/passwd' } })).toBe('workflow_params.msg.$include');
  expect(loaderDirective({ a: [1, { b: [{ $import: 'x.yml' }] }] })).toBe('workflow_params.a[1].b[0].$import');
  expect(loaderDirective({ $mixin: 'x.yml' })).toBe('workflow_params.$mixin');
  expect(loaderDirective({ msg: '$include', n: { include: 1 } })).toBeUndefined();
  // Nested deeper than a recursive walk could go.
  let deep: unknown = { $include: '/etc/passwd' };
  for (let i = 0; i < 200_000; i++) deep = [deep];
  expect(loaderDirective({ deep })).toMatch(/^workflow_params\.deep(\[0\]){200000}\.\$include$/);
});

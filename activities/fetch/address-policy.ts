/**
 * Which addresses the worker may fetch a run's inputs from (docs/design.md, "Inputs fetched by the
 * service"): public unicast addresses only, unless the operator's allow-list names the address's
 * network or the URL's host. Decided on the resolved address, never on the name alone.
 */
import { BlockList, isIP } from 'node:net';

/** Ranges no public address is in, with the name a refusal gives. IPv4 first, then IPv6. */
const NOT_PUBLIC: ReadonlyArray<[cidr: string, name: string]> = [
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'carrier-grade NAT'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.169.254/32', 'cloud metadata'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'IETF protocol assignments'],
  ['192.0.2.0/24', 'documentation'],
  ['192.88.99.0/24', '6to4 relay anycast'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'benchmarking'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  // IPv4-compatible (deprecated) and IPv4-mapped addresses are judged by their IPv4 part (below).
  ['100::/64', 'discard-only'],
  ['2001::/32', 'Teredo'],
  ['2001:db8::/32', 'documentation'],
  ['fc00::/7', 'private (unique local)'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'site-local'],
  ['ff00::/8', 'multicast'],
];

const RANGES = NOT_PUBLIC.map(([cidr, name]) => ({ name, cidr, list: blockOf([cidr]) }));

function blockOf(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const parts = cidr.split('/');
    const [address] = parts;
    const bits = parts.at(1);
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    list.addSubnet(address, bits === undefined ? (family === 'ipv6' ? 128 : 32) : Number(bits), family);
  }
  return list;
}

/** The 16 bytes of an IPv6 address (as net.isIP accepts it, zone index removed). */
function ipv6Bytes(address: string): number[] {
  let text = address.replace(/%.*$/, '');
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const words = (part: string | undefined) => (part ? part.split(':').map((word) => parseInt(word, 16)) : []);
  const first = words(head);
  const last = words(tail);
  const all = tail === undefined ? first : [...first, ...new Array<number>(8 - first.length - last.length).fill(0), ...last];
  return all.flatMap((word) => [word >> 8, word & 0xff]);
}

/**
 * The IPv4 address an IPv6 one carries where a host would reach that IPv4 address: mapped
 * (::ffff:a.b.c.d), compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:aabb:ccdd::).
 */
function embeddedIpv4(address: string): string | undefined {
  const bytes = ipv6Bytes(address);
  const zeros = (from: number, to: number) => bytes.slice(from, to).every((byte) => byte === 0);
  if (zeros(0, 10) && ((bytes[10] === 0xff && bytes[11] === 0xff) || zeros(10, 12))) return bytes.slice(12).join('.');
  if (bytes[0] === 0x00 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && zeros(4, 12)) return bytes.slice(12).join('.');
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return bytes.slice(2, 6).join('.');
  return undefined;
}

/**
 * Why an IP address is not public ('loopback', 'private', ...); undefined for a public one.
 * Throws for text that is no IP address.
 */
export function notPublic(address: string): string | undefined {
  const family = isIP(address.replace(/%.*$/, ''));
  if (family === 0) throw new Error(`not an IP address: ${address}`);
  if (family === 6) {
    const inner = embeddedIpv4(address);
    // ::/96 holds :: and ::1 too, which have names of their own.
    if (inner !== undefined && inner !== '0.0.0.0' && inner !== '0.0.0.1') return notPublic(inner);
  }
  const type = family === 6 ? 'ipv6' : 'ipv4';
  return RANGES.find((range) => range.list.check(address.replace(/%.*$/, ''), type))?.name;
}

/**
 * The operator's additions to the public addresses: networks in CIDR notation or single addresses
 * (`10.1.0.0/16`, `127.0.0.1`), and host names, exactly or as `*.` and a domain (`*.internal.example`
 * is every host under it, not the domain itself). A host name allowed is trusted whatever it resolves to.
 */
export class AddressPolicy {
  private readonly networks: BlockList;
  private readonly hosts: string[];
  private readonly domains: string[];

  constructor(readonly allow: readonly string[] = []) {
    const isNetwork = (entry: string) => isIP(entry.split('/')[0]) !== 0;
    this.networks = blockOf(allow.filter(isNetwork));
    const names = allow.filter((entry) => !isNetwork(entry)).map((entry) => entry.toLowerCase().replace(/\.$/, ''));
    this.hosts = names.filter((name) => !name.startsWith('*.'));
    this.domains = names.filter((name) => name.startsWith('*.')).map((name) => name.slice(1));
  }

  /** Whether the URL's host name is allowed by name (the brackets of an IPv6 literal removed). */
  allowsHost(hostname: string): boolean {
    const name = hostname.toLowerCase().replace(/\.$/, '');
    return this.hosts.includes(name) || this.domains.some((domain) => name.endsWith(domain));
  }

  /** Why the worker may not connect to `address` for a URL on `hostname`; undefined when it may. */
  refusal(hostname: string, address: string): string | undefined {
    if (this.allowsHost(hostname)) return undefined;
    const why = notPublic(address);
    if (why === undefined) return undefined;
    const type = isIP(address.replace(/%.*$/, '')) === 6 ? 'ipv6' : 'ipv4';
    return this.networks.check(address.replace(/%.*$/, ''), type)
      ? undefined
      : `${address} is ${/^[aeiou]/i.test(why) ? 'an' : 'a'} ${why} address`;
  }
}

/** The IP address a URL's host name is, if it is one (the brackets of IPv6 removed). */
export function ipLiteral(hostname: string): string | undefined {
  const bare = hostname.replace(/^\[(.*)\]$/, '$1');
  return isIP(bare) !== 0 ? bare : undefined;
}

/** The address a URL's host names without asking DNS: an IP, or `localhost` (RFC 6761: always loopback). */
export function literalAddress(hostname: string): string | undefined {
  return ipLiteral(hostname) ?? (/^(.+\.)?localhost\.?$/i.test(hostname) ? '127.0.0.1' : undefined);
}

/** What is wrong with an allow-list entry; undefined for a network, an address or a host name (pattern). */
export function allowEntryProblem(entry: string): string | undefined {
  const parts = entry.split('/');
  const [address] = parts;
  const bits = parts.at(1);
  const family = isIP(address);
  if (family !== 0) {
    const most = family === 6 ? 128 : 32;
    const valid = parts.length <= 2 && (bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= most));
    return valid ? undefined : `must be an address or a network such as 10.1.0.0/16 (at most /${most})`;
  }
  return /^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?\.?$/i.test(entry)
    ? undefined
    : 'must be an address, a network such as 10.1.0.0/16, a host name, or *. and a domain';
}

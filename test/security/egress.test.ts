/**
 * Egress of a sandboxed run (docs/design.md, "Egress of a sandboxed run"), probed as a hostile
 * submitter would: real cwltool and Snakemake runs through the workflow, the worker and the local
 * provider, on the real dev server, reaching for an HTTP server this test starts. The machine has
 * no internet, so the allowed path is shown with the allow-list naming the server's address; the
 * default policy is shown refusing loopback, metadata, private and documentation addresses.
 */
import type { Logger } from '@temporalio/common';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { probeRoots } from '../support/probe-roots';
import { AddressPolicy } from '../../activities/fetch/address-policy';
import { parseProvidersConfig, ProvidersConfigError } from '../../activities/providers/config';
import { describeSandbox } from '../../activities/providers/local/sandbox/describe';
import { closeEgress } from '../../activities/providers/local/sandbox/egress-proxies';
import { EgressProxy, type EgressRules } from '../../activities/providers/local/sandbox/egress-proxy';
import type { RunSnapshot } from '../../domain/run-types';
import { eventually } from '../support/eventually';
import { createHarness, finalSnapshot, type Harness, waitForSnapshot } from '../support/harness';

jest.setTimeout(120_000);

/** What a run inside does: its proxy variables, urllib as tools use it, and raw talk to the proxy. */
const PROBE = String.raw`
import os, socket, sys, urllib.request
mode, args = sys.argv[1], sys.argv[2:]
PROXY = ("127.0.0.1", 3128)

def read_all(s):
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return data.decode(errors="replace")
        data += chunk

def head(s):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(1)
        if not chunk:
            break
        data += chunk
    return data.decode(errors="replace")

def first_line_and_body(reply):
    return reply.split("\r\n")[0] + " | " + reply.split("\r\n\r\n", 1)[-1].strip()

try:
    if mode == "env":
        print(" ".join(sorted(k for k in os.environ if k.lower().endswith("_proxy"))) or "none")
    elif mode == "get":
        with urllib.request.urlopen(args[0], timeout=10) as answer:
            print(answer.status, answer.read().decode())
    elif mode == "raw":
        s = socket.create_connection(PROXY, 5)
        s.sendall(("GET http://%s:%s/raw HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n\r\n" % (args[0], args[1], args[0], args[1])).encode())
        print(first_line_and_body(read_all(s)))
    elif mode == "connect":
        s = socket.create_connection(PROXY, 5)
        s.sendall(("CONNECT %s:%s HTTP/1.1\r\nHost: %s:%s\r\n\r\n" % (args[0], args[1], args[0], args[1])).encode())
        status = head(s).split("\r\n")[0]
        if status.split(" ")[1] == "200":
            s.sendall(("GET /tunnel HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n\r\n" % (args[0], args[1])).encode())
            print(status + " | " + first_line_and_body(read_all(s)))
        else:
            print(status + " | " + read_all(s).strip())
    elif mode == "direct":
        socket.create_connection((args[0], int(args[1])), 3)
        print("connected")
except Exception as e:
    print("error", type(e).__name__, e)
`;

let h: Harness;
let roots: string;
let server: http.Server;
let port: number;
/** An address of this host that is not loopback: the machine's own, in a range the default policy refuses. */
let external: string;
/** The paths the test server was asked for. */
const asked: string[] = [];

function hostAddress(): string {
  const found = Object.values(os.networkInterfaces())
    .flat()
    .find((info) => info?.family === 'IPv4' && !info.internal);
  if (!found) throw new Error('this test needs a non-loopback IPv4 address on the host');
  return found.address;
}

beforeAll(async () => {
  external = hostAddress();
  server = http.createServer((request, response) => {
    const url = request.url ?? '';
    asked.push(url);
    response.end(`hello ${url}`);
  });
  server.listen(0, '0.0.0.0');
  await once(server, 'listening');
  port = (server.address() as net.AddressInfo).port;
  roots = await probeRoots('egress-probes-');
  await writeFile(path.join(roots, 'probe.py'), PROBE);
  await writeFile(
    path.join(roots, 'Snakefile'),
    ['rule get:', '    output: "got.txt"', `    shell: "python3 ${roots}/probe.py get http://${external}:${port}/smk > {output}"`, ''].join(
      '\n',
    ),
  );
  const local = { kind: 'local', workflowRoots: [roots], pollIntervalMs: 100 };
  const providers = parseProvidersConfig(
    {
      default: 'local',
      providers: {
        local,
        open: { ...local, sandbox: { egress: true, egressAllow: [external, '127.0.0.1'], egressPorts: [port] } },
        guarded: { ...local, sandbox: { egress: true, egressPorts: [port] } },
        web: { ...local, sandbox: { egress: true, egressAllow: [external] } },
      },
    },
    'egress test',
  );
  h = await createHarness({ providers });
});

afterAll(async () => {
  await h.stop();
  server.close();
  await rm(roots, { recursive: true, force: true });
});

const probe = (...args: Array<string | number>) => `python3 ${roots}/probe.py ${args.join(' ')}`;
const sh = (script: string) => ({
  workflow_type: 'CWL',
  workflow_type_version: 'v1.2',
  workflow_url: path.join(roots, 'sh.cwl'),
  workflow_params: { script },
});

/** The lines a CWL tool running `probes` printed, on `provider`. */
async function printed(provider: string, ...probes: string[]): Promise<string[]> {
  const snapshot = await finalSnapshot(await h.start(sh(probes.join('; ')), { provider }));
  expect(snapshot.wesState).toBe('COMPLETE');
  return (await readFile(new URL((snapshot.outputs.out as { location: string }).location), 'utf8')).trimEnd().split('\n');
}

test('with egress off a run has no proxy variables and reaches nothing, not even a proxy', async () => {
  asked.length = 0;
  const lines = await printed(
    'local',
    probe('env'),
    probe('get', `http://${external}:${port}/off`),
    probe('direct', external, port),
    probe('direct', '127.0.0.1', port),
    probe('connect', external, port),
  );
  expect(lines[0]).toBe('none');
  expect(lines[1]).toMatch(/^error URLError .*(unreachable|refused)/i);
  expect(lines[2]).toMatch(/^error OSError .*unreachable/i);
  expect(lines[3]).toMatch(/^error ConnectionRefusedError/);
  expect(lines[4]).toMatch(/^error ConnectionRefusedError/);
  expect(asked).toEqual([]);
});

test('with egress on and the address allowed, a CWL tool and a Snakemake rule get through the proxy', async () => {
  asked.length = 0;
  const lines = await printed(
    'open',
    probe('env'),
    probe('get', `http://${external}:${port}/cwl`),
    probe('connect', external, port),
    probe('raw', '127.0.0.1', port),
  );
  expect(lines[0]).toBe('ALL_PROXY HTTPS_PROXY HTTP_PROXY NO_PROXY all_proxy http_proxy https_proxy no_proxy');
  expect(lines[1]).toBe('200 hello /cwl');
  expect(lines[2]).toBe(`HTTP/1.1 200 Connection Established | HTTP/1.1 200 OK | hello /tunnel`);
  // 127.0.0.1 is named by the allow-list; urllib would go direct for it (no_proxy), a raw request through the proxy does not.
  expect(lines[3]).toBe('HTTP/1.1 200 OK | hello /raw');
  const rule = await finalSnapshot(
    await h.start(
      { workflow_type: 'SMK', workflow_type_version: '1.0', workflow_url: path.join(roots, 'Snakefile'), workflow_params: {} },
      { provider: 'open' },
    ),
  );
  expect(rule.wesState).toBe('COMPLETE');
  expect(await readFile(new URL((rule.outputs['got.txt'] as { location: string }).location), 'utf8')).toBe('200 hello /smk\n');
  expect(asked).toEqual(['/cwl', '/tunnel', '/raw', '/smk']);
});

test('the default policy refuses loopback, metadata, private and other special addresses with a 403; the server hears nothing', async () => {
  asked.length = 0;
  const targets: Array<[string, RegExp]> = [
    ['127.0.0.1', /127\.0\.0\.1 is a loopback address/],
    ['169.254.169.254', /169\.254\.169\.254 is a cloud metadata address/],
    ['10.0.0.1', /10\.0\.0\.1 is a private address/],
    ['localhost', /127\.0\.0\.1 is a loopback address/],
    ['[::1]', /::1 is a loopback address/],
    // An absolute URL's host is normalized by the proxy's URL parser ([::ffff:7f00:1]).
    ['[::ffff:127.0.0.1]', /\[::ffff:(127\.0\.0\.1|7f00:1)\]:\d+: ::ffff:(127\.0\.0\.1|7f00:1) is a loopback address/],
    [external, /is an? [a-z -]+ address/],
  ];
  const lines = await printed(
    'guarded',
    ...targets.flatMap(([host]) => [probe('raw', host, port), probe('connect', host, port)]),
    probe('get', `http://${external}:${port}/env`),
  );
  targets.forEach(([host, why], i) => {
    for (const line of [lines[2 * i], lines[2 * i + 1]]) {
      expect(line).toMatch(/^HTTP\/1\.1 403 Forbidden \| /);
      if (!host.includes('::ffff:')) expect(line).toContain(`${host}:${port}: `);
      expect(line).toMatch(why);
    }
  });
  expect(lines[targets.length * 2]).toMatch(/^error HTTPError HTTP Error 403/);
  expect(asked).toEqual([]);
});

test('a port the settings do not name is refused, whatever the address', async () => {
  asked.length = 0;
  const lines = await printed('web', probe('connect', external, port), probe('raw', external, port));
  for (const line of lines)
    expect(line).toBe(`HTTP/1.1 403 Forbidden | ${external}:${port}: port ${port} is not allowed (allowed: 80, 443)`);
  expect(asked).toEqual([]);
});

test('with egress on a direct connection still reaches nothing: the proxy is the only way out', async () => {
  asked.length = 0;
  const lines = await printed('open', probe('direct', '127.0.0.1', port), probe('direct', external, port));
  expect(lines[0]).toMatch(/^error ConnectionRefusedError/);
  expect(lines[1]).toMatch(/^error OSError .*unreachable/i);
  expect(asked).toEqual([]);
});

test("a worker that lost a running run's proxy opens it again; the run's end closes it", async () => {
  asked.length = 0;
  const go = path.join(roots, 'go');
  const handle = await h.start(
    sh(
      `${probe('get', `http://${external}:${port}/before`)}; while [ ! -e ${go} ]; do sleep 0.1; done; ${probe('get', `http://${external}:${port}/after`)}`,
    ),
    {
      provider: 'open',
    },
  );
  const { runId } = await waitForSnapshot(handle, (s: RunSnapshot) => s.externalId !== undefined);
  const processDir = path.join(h.dataDir, 'runs', runId, 'process');
  const socket = path.join(processDir, 'egress', 'proxy.sock');
  await eventually(() => asked.includes('/before'), Boolean, { what: 'the first request' });
  // As a worker that died would leave it: no one serves the run's socket.
  await closeEgress(processDir);
  await expect(stat(socket)).rejects.toThrow(/ENOENT/);
  await eventually(
    () =>
      stat(socket).then(
        () => true,
        () => false,
      ),
    Boolean,
    { what: 'the socket served again' },
  );
  await writeFile(go, '');
  const snapshot = await finalSnapshot(handle);
  expect(snapshot.wesState).toBe('COMPLETE');
  expect(await readFile(new URL((snapshot.outputs.out as { location: string }).location), 'utf8')).toBe(
    '200 hello /before\n200 hello /after\n',
  );
  await expect(stat(socket)).rejects.toThrow(/ENOENT/);
});

describe('the proxy itself', () => {
  let dir: string;
  let proxy: EgressProxy;
  const said: string[] = [];
  const log: Logger = {
    log: (level, message) => said.push(`${level} ${message}`),
    trace: () => undefined,
    debug: () => undefined,
    info: (message) => said.push(`INFO ${message}`),
    warn: (message) => said.push(`WARN ${message}`),
    error: (message) => said.push(`ERROR ${message}`),
  };

  async function start(rules: Partial<EgressRules>): Promise<string> {
    dir = await mkdtemp(path.join(os.tmpdir(), 'egress-proxy-'));
    proxy = new EgressProxy(
      'run-probe',
      { policy: new AddressPolicy(['127.0.0.1']), ports: [port], connections: 8, bytes: 2 ** 20, idleMs: 60_000, ...rules },
      log,
    );
    await proxy.listen(path.join(dir, 'proxy.sock'));
    return path.join(dir, 'proxy.sock');
  }

  afterEach(async () => {
    await proxy.close();
    await rm(dir, { recursive: true, force: true });
    said.length = 0;
  });

  /** Opens a tunnel to the test server and returns the socket once the proxy said 200. */
  async function tunnel(socketPath: string, host = '127.0.0.1'): Promise<{ socket: net.Socket; answer: string }> {
    const socket = net.connect(socketPath);
    socket.write(`CONNECT ${host}:${port} HTTP/1.1\r\n\r\n`);
    let answer = '';
    while (!answer.includes('\r\n\r\n') && !socket.readableEnded) {
      const [chunk] = (await Promise.race([once(socket, 'data'), once(socket, 'end')])) as [Buffer | undefined];
      answer += chunk === undefined ? '' : String(chunk);
    }
    return { socket, answer };
  }

  const closed = (socket: net.Socket) => (socket.closed ? Promise.resolve() : once(socket, 'close'));

  test('a refusal names the run and the destination in the worker log', async () => {
    const socketPath = await start({ policy: new AddressPolicy() });
    const { answer } = await tunnel(socketPath, '169.254.169.254');
    expect(answer).toMatch(/^HTTP\/1\.1 403 Forbidden/);
    expect(said).toEqual([`WARN egress of run run-probe to 169.254.169.254:${port} refused: 169.254.169.254 is a cloud metadata address`]);
  });

  test('connections past the limit are answered 429', async () => {
    const socketPath = await start({ connections: 2 });
    const open = [await tunnel(socketPath), await tunnel(socketPath)];
    for (const { answer } of open) expect(answer).toMatch(/^HTTP\/1\.1 200/);
    const { answer } = await tunnel(socketPath);
    expect(answer).toMatch(/^HTTP\/1\.1 429 Too Many Requests/);
    expect(said).toEqual(['WARN egress of run run-probe: a connection over the limit of 2 refused']);
    for (const { socket } of open) socket.destroy();
  });

  test('past its bytes the run loses its connections and gets no more', async () => {
    const socketPath = await start({ bytes: 1000 });
    const { socket } = await tunnel(socketPath);
    socket.write(`POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n${'x'.repeat(5000)}`);
    await closed(socket);
    expect(said).toContain('WARN egress of run run-probe: its limit of 1000 bytes is used up: connections closed');
    const again = await tunnel(socketPath);
    expect(again.answer).toMatch(/^HTTP\/1\.1 403 Forbidden/);
    expect(again.answer).toContain("the run's egress limit of 1000 bytes is used up");
  });

  test('an idle connection is closed, and closing the proxy closes every connection', async () => {
    const socketPath = await start({ idleMs: 300 });
    const idle = await tunnel(socketPath);
    const started = Date.now();
    await closed(idle.socket);
    expect(Date.now() - started).toBeLessThan(5000);
    const busy = await tunnel(socketPath);
    await proxy.close();
    await closed(busy.socket);
  });
});

test('settings: egress on or off in service-info, the allow-list and ports checked', () => {
  const parse = (sandbox: unknown) =>
    parseProvidersConfig({ default: 'local', providers: { local: { kind: 'local', sandbox } } }, 'test').providers.local;
  const described = (sandbox: unknown) => {
    const settings = parse(sandbox);
    if (settings.kind !== 'local') throw new Error('not local');
    return describeSandbox(settings);
  };
  expect(described({})).toMatch(/^bubblewrap as durable-wes-run \(when the worker is root\), no network; /);
  expect(described({ egress: true, egressAllow: ['10.1.0.0/16'] })).toMatch(
    /^bubblewrap as durable-wes-run \(when the worker is root\), egress through the worker's proxy to public addresses, 10\.1\.0\.0\/16 on ports 80, 443 \(10 GiB per run\); /,
  );
  expect(parse({ egress: true })).toMatchObject({
    sandbox: {
      egress: true,
      egressAllow: [],
      egressPorts: [80, 443],
      egressConnections: 64,
      egressBytes: 10 * 2 ** 30,
      egressIdleSeconds: 300,
    },
  });
  expect(() => parse({ egress: 'yes' })).toThrow(/egress: must be true or false/);
  expect(() => parse({ egress: true, egressAllow: ['10.0.0.0/99'] })).toThrow(ProvidersConfigError);
  expect(() => parse({ egress: true, egressAllow: ['10.0.0.0/99'] })).toThrow(/egressAllow\.0: must be an address or a network/);
  expect(() => parse({ egress: true, egressPorts: [0] })).toThrow(/egressPorts\.0: must be a port from 1 to 65535/);
  expect(() => parse({ egress: true, egressBytes: 'lots' })).toThrow(/egressBytes: must be a size/);
});

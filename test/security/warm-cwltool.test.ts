/**
 * The warm cwltool inside the run's sandbox (docs/design.md, "The warm cwltool"), probed as a
 * hostile submitter would, through the workflow, the worker and the local provider on the real dev
 * server: an engine forked by the server outside the sandbox is as confined as a cold one, and so
 * is a cwltool that a tool asks the server for itself.
 */
import { execFileSync } from 'node:child_process';
import { readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseProvidersConfig } from '../../activities/providers/config';
import type { RunSnapshot } from '../../domain/run-types';
import { eventually } from '../support/eventually';
import { warmEnginePid } from '../support/engine-group';
import { loopbackListener } from '../support/loopback-listener';
import { createHarness, DEFAULT_CWLTOOL, finalSnapshot, type Harness, waitForSnapshot } from '../support/harness';
import { probeRoots } from '../support/probe-roots';

jest.setTimeout(120_000);

const CLIENT = path.resolve(__dirname, '../../activities/providers/local/engines/cwltool-warm-client.py');
const SECRET = 'warm-probe-secret';
let h: Harness;
let roots: string;
const runUid = () =>
  process.getuid?.() === 0 ? Number(execFileSync('id', ['-u', 'durable-wes-run'], { encoding: 'utf8' })) : process.getuid!();

beforeAll(async () => {
  process.env.WES_WARM_PROBE_SECRET = SECRET;
  roots = await probeRoots('warm-probes-');
  // A tool that asks the warm server for a cwltool of its own: $1 the client, $2 cwltool, $3 the data dir.
  await writeFile(
    path.join(roots, 'ask-server.sh'),
    [
      'sock=$(ls /tmp/durable-wes-cwltool-*/server.sock | head -1)',
      'printf "%s\\n" "cwlVersion: v1.2" "class: CommandLineTool" "baseCommand: [sh, -c]" \\',
      '  "arguments: [\'id -u; grep -E ^NoNewPrivs /proc/self/status; ls $3/runs\']" "inputs: []" "stdout: inner.txt" "outputs: {out: stdout}" >inner.cwl',
      'python3 -I -S "$1" "$PWD/record" "$sock" -- "$2" --outdir "$PWD/inner-out" inner.cwl >/dev/null 2>&1',
      'cat inner-out/inner.txt record',
      '',
    ].join('\n'),
  );
  const local = { kind: 'local', workflowRoots: [roots], pollIntervalMs: 100 };
  const providers = parseProvidersConfig(
    { default: 'local', providers: { local, small: { ...local, sandbox: { memory: '256MiB' } } } },
    'warm sandbox test',
  );
  h = await createHarness({ providers });
});

afterAll(async () => {
  await h.stop();
  await rm(roots, { recursive: true, force: true });
  delete process.env.WES_WARM_PROBE_SECRET;
});

const sh = (script: string) => ({
  workflow_type: 'CWL',
  workflow_type_version: 'v1.2',
  workflow_url: path.join(roots, 'sh.cwl'),
  workflow_params: { script },
});
const workDir = (runId: string) => path.join(h.dataDir, 'runs', runId);
const engineStart = (runId: string) => readFile(path.join(workDir(runId), 'process', 'engine_start'), 'utf8');

/** What the tool printed, from its stdout output, once the run completed warm. */
async function printedWarm(snapshot: RunSnapshot): Promise<string> {
  expect(snapshot.wesState).toBe('COMPLETE');
  expect(await engineStart(snapshot.runId)).toMatch(/^warm pid=\d+\n$/);
  return readFile(new URL((snapshot.outputs.out as { location: string }).location), 'utf8');
}

async function run(script: string, provider = 'local'): Promise<RunSnapshot> {
  return finalSnapshot(await h.start(sh(script), { provider }));
}

test("a warm run's tool: the run's uid, no capabilities, no shadow, only its own run, no loopback", async () => {
  const listener = await loopbackListener();
  try {
    const snapshot = await run(
      `id -u; grep -E "^(CapEff|CapPrm|CapBnd|NoNewPrivs)" /proc/self/status; cat /etc/shadow 2>/dev/null || echo no-shadow; ls ${h.dataDir}/runs; python3 -c '${listener.probe}'`,
    );
    const out = await printedWarm(snapshot);
    const [uid, ...lines] = out.trim().split('\n');
    expect(Number(uid)).toBe(runUid());
    expect(out).toMatch(/CapEff:\s+0+\n/);
    expect(out).toMatch(/CapPrm:\s+0+\n/);
    expect(out).toMatch(/CapBnd:\s+0+\n/);
    expect(out).toMatch(/NoNewPrivs:\s+1\n/);
    expect(out).toContain('no-shadow');
    expect(lines.filter((line) => line.startsWith('run-'))).toEqual([snapshot.runId]);
    expect(out).toMatch(/^refused/m);
    expect(listener.connections()).toBe(0);
  } finally {
    listener.close();
  }
});

test("the warm engine itself is confined: uid, capabilities, namespaces and cgroup of its run, none of the worker's environment", async () => {
  const handle = await h.start(sh('sleep 60'), { provider: 'local' });
  await waitForSnapshot(handle, (s) => s.externalId !== undefined);
  const dir = workDir(handle.workflowId);
  const engine = (await eventually(() => warmEnginePid(dir), Boolean, { what: 'the warm start record' }))!;
  const tool = await eventually(() => childNamed(engine, 'sleep'), Boolean, { what: 'the sleep tool under the engine' });
  try {
    const status = await readFile(`/proc/${engine}/status`, 'utf8');
    const field = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'm').exec(status)![1].trim();
    expect(field('Uid').split(/\s+/).map(Number)).toEqual(Array(4).fill(runUid()));
    for (const caps of ['CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb']) expect(field(caps)).toMatch(/^0+$/);
    expect(field('NoNewPrivs')).toBe('1');
    if (process.getuid?.() === 0) expect(field('Groups')).toBe('');
    for (const ns of ['mnt', 'pid', 'net', 'ipc', 'uts', 'user']) {
      const [engineNs, toolNs, ownNs] = await Promise.all([engine, tool!, process.pid].map((pid) => readlink(`/proc/${pid}/ns/${ns}`)));
      expect(engineNs).toBe(toolNs);
      if (ns !== 'user' || process.getuid?.() !== 0) expect(engineNs).not.toBe(ownNs);
    }
    const { cgroups } = JSON.parse(await readFile(path.join(dir, 'process', 'sandbox.json'), 'utf8')) as {
      cgroups: Record<string, string>;
    };
    expect(Object.keys(cgroups).length).toBeGreaterThan(0);
    for (const cgroupDir of Object.values(cgroups)) {
      expect((await readFile(path.join(cgroupDir, 'cgroup.procs'), 'utf8')).split('\n')).toContain(String(engine));
    }
    // The engine's initial environment is the server's, which the worker started with an allow-list.
    const environ = await readFile(`/proc/${engine}/environ`, 'utf8');
    expect(environ).not.toContain(SECRET);
    expect(environ).not.toMatch(/(^|\0)(DATABASE_URL|WES_|TEMPORAL_)/);
  } finally {
    await handle.cancel();
  }
  expect((await finalSnapshot(handle)).wesState).toBe('CANCELED');
});

test('a tool that asks the warm server for a cwltool gets one inside its own sandbox, no more', async () => {
  // The server's own cwltool: the default version's.
  const snapshot = await run(`sh ${path.join(roots, 'ask-server.sh')} ${CLIENT} ${DEFAULT_CWLTOOL} ${h.dataDir}`);
  const out = await printedWarm(snapshot);
  const [uid, noNewPrivs, ...rest] = out.trim().split('\n');
  expect(Number(uid)).toBe(runUid());
  expect(noNewPrivs).toMatch(/^NoNewPrivs:\s+1$/);
  // The inner run's tool sees the runs of the outer one's sandbox: its own only.
  expect(rest.filter((line) => line.startsWith('run-'))).toEqual([snapshot.runId]);
  // It was served warm: forked by the server, which entered the tool's own sandbox.
  expect(rest[rest.length - 1]).toMatch(/^warm pid=\d+$/);
});

test("a warm run's memory counts in its run's cgroup: past the limit it ends EXECUTOR_ERROR naming it", async () => {
  const snapshot = await run(`python3 -c 'x = b"x" * (1 << 30); print(len(x))'`, 'small');
  expect(snapshot.wesState).toBe('EXECUTOR_ERROR');
  expect(snapshot.error).toContain('memory limit of 256 MiB reached');
  expect(await engineStart(snapshot.runId)).toMatch(/^warm pid=\d+\n$/);
});

/** A child process of `parent` whose command is `name`. */
async function childNamed(parent: number, name: string): Promise<number | undefined> {
  for (const pid of (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry))) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (comm === name && (await isDescendant(Number(fields[1]), parent))) return Number(pid);
  }
  return undefined;
}

async function isDescendant(pid: number, ancestor: number): Promise<boolean> {
  for (let hops = 0; pid > 1 && hops < 10; hops++) {
    if (pid === ancestor) return true;
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  }
  return pid === ancestor;
}

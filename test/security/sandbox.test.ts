/**
 * The sandbox of local runs (docs/design.md, "The sandbox of a local run"), probed as a hostile
 * submitter would: real cwltool and Snakemake runs through the workflow, the worker and the local
 * provider, on the real dev server. Each probe worked against the host before the sandbox.
 */
import { execFileSync } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseProvidersConfig, providerSettings, ProvidersConfigError } from '../../activities/providers/config';
import { checkSandbox, SandboxUnavailableError } from '../../activities/providers/local/sandbox/host';
import type { RunSnapshot } from '../../domain/run-types';
import { loopbackListener } from '../support/loopback-listener';
import { createHarness, EXAMPLES, finalSnapshot, type Harness, waitForSnapshot } from '../support/harness';
import { probeRoots } from '../support/probe-roots';

jest.setTimeout(120_000);

let h: Harness;
let roots: string;
const SECRETS = {
  WES_PROBE_SECRET: 'wes-secret',
  AWS_SECRET_ACCESS_KEY: 'aws-secret',
  TEMPORAL_PROBE: 'temporal-secret',
  API_TOKEN: 'a-token',
};

beforeAll(async () => {
  Object.assign(process.env, SECRETS);
  roots = await probeRoots('sandbox-probes-');
  await writeFile(path.join(roots, 'Snakefile'), ['rule env:', '    output: "env.txt"', '    shell: "env > {output}"', ''].join('\n'));
  const local = { kind: 'local', workflowRoots: [roots, EXAMPLES], pollIntervalMs: 100 };
  const providers = parseProvidersConfig(
    {
      default: 'local',
      providers: {
        local,
        small: { ...local, sandbox: { memory: '256MiB', processes: 64, logBytes: '1MiB' } },
        single: { ...local, maxEngines: 1 },
        tight: { ...local, sandbox: { disk: '8MiB' } },
        brief: { ...local, sandbox: { wallTimeSeconds: 1 } },
      },
    },
    'sandbox test',
  );
  h = await createHarness({ providers });
});

afterAll(async () => {
  await h.stop();
  await rm(roots, { recursive: true, force: true });
  // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- process.env is the environment: delete is how a variable is unset
  for (const name of Object.keys(SECRETS)) delete process.env[name];
});

const sh = (script: string) => ({
  workflow_type: 'CWL',
  workflow_type_version: 'v1.2',
  workflow_url: path.join(roots, 'sh.cwl'),
  workflow_params: { script },
});

async function run(script: string, provider = 'local'): Promise<RunSnapshot> {
  return finalSnapshot(await h.start(sh(script), { provider }));
}

/** What the tool printed, from its stdout output. */
async function printed(snapshot: RunSnapshot): Promise<string> {
  expect(snapshot.wesState).toBe('COMPLETE');
  return readFile(new URL((snapshot.outputs.out as { location: string }).location), 'utf8');
}

test('a job runs as an unprivileged user with no capabilities and no_new_privs', async () => {
  const out = await printed(await run('id -u; grep -E "^(CapEff|CapPrm|CapBnd|NoNewPrivs)" /proc/self/status'));
  const uid = Number(out.split('\n')[0]);
  expect(uid).not.toBe(0);
  if (process.getuid?.() === 0) expect(uid).toBe(Number(execFileSync('id', ['-u', 'durable-wes-run'], { encoding: 'utf8' })));
  expect(out).toMatch(/CapEff:\s+0+\n/);
  expect(out).toMatch(/CapBnd:\s+0+\n/);
  expect(out).toMatch(/NoNewPrivs:\s+1/);
});

test("a job sees no /etc/shadow, no /root beyond the engine's python, and a passwd naming only its user", async () => {
  const out = await printed(
    await run('cat /etc/shadow || echo no-shadow; cat /etc/passwd; ls -a /root; ls /root/.pyenv/versions 2>&1 | head -3'),
  );
  expect(out).toContain('no-shadow');
  expect(out).not.toMatch(/^root:/m);
  expect(out.match(/^[^:\s]+:x:/gm)).toHaveLength(1);
});

test("a job lists the data dir and sees its own run and no other, nor the repository's checkout", async () => {
  const other = await run('echo other');
  expect(other.wesState).toBe('COMPLETE');
  const out = await printed(await run(`ls -a ${h.dataDir} ${h.dataDir}/runs; ls ${path.resolve(EXAMPLES, '..')}`));
  const runs = out
    .slice(out.indexOf(`${h.dataDir}/runs:`))
    .split('\n')
    .slice(1)
    .filter((name) => name.startsWith('run-'));
  expect(runs).toHaveLength(1);
  expect(runs[0]).not.toBe(other.runId);
  expect(out).not.toContain('payloads');
  // Of the checkout only the example workflows (a workflow root) are there.
  expect(out).not.toContain('package.json');
});

test("a Snakemake rule's environment holds none of the worker's secrets", async () => {
  const result = await finalSnapshot(
    await h.start(
      { workflow_type: 'SMK', workflow_type_version: '1.0', workflow_url: path.join(roots, 'Snakefile'), workflow_params: {} },
      { provider: 'local' },
    ),
  );
  expect(result.wesState).toBe('COMPLETE');
  const env = await readFile(new URL((result.outputs['env.txt'] as { location: string }).location), 'utf8');
  const names = env.split('\n').map((line) => line.split('=')[0]);
  expect(names).toEqual(expect.arrayContaining(['PATH', 'HOME']));
  expect(process.env.DATABASE_URL).toBeDefined();
  for (const name of names) expect(name).not.toMatch(/^(DATABASE_URL|WES_|TEMPORAL_|AWS_|API_TOKEN)/);
  for (const secret of Object.values(SECRETS)) expect(env).not.toContain(secret);
});

test("a job cannot reach a service listening on the host's loopback", async () => {
  const listener = await loopbackListener();
  try {
    const out = await printed(await run(`python3 -c '${listener.probe}'`));
    expect(out).toMatch(/^refused/);
    expect(listener.connections()).toBe(0);
  } finally {
    listener.close();
  }
});

test('a job past its memory limit ends EXECUTOR_ERROR naming the limit; the worker runs on', async () => {
  const result = await run(`python3 -c 'x = b"x" * (1 << 30); print(len(x))'`, 'small');
  expect(result).toMatchObject({ wesState: 'EXECUTOR_ERROR' });
  expect(result.error).toContain('memory limit of 256 MiB reached');
  expect(await printed(await run('echo still here', 'small'))).toBe('still here\n');
});

test('a fork bomb of 3,000 processes is stopped by the process limit', async () => {
  const started = Date.now();
  const result = await run('i=0; while [ $i -lt 3000 ]; do sleep 5 & i=$((i + 1)); done; wait', 'small');
  expect(result).toMatchObject({ wesState: 'EXECUTOR_ERROR' });
  expect(result.error).toContain('process limit of 64 reached');
  expect(Date.now() - started).toBeLessThan(60_000);
});

test("200 MB to stderr: the run's log keeps its cap and says the rest was dropped", async () => {
  const result = await run('head -c 200000000 /dev/zero | tr "\\0" x >&2; echo done', 'small');
  expect(await printed(result)).toBe('done\n');
  const stderr = await readFile(result.log.stderr!, 'utf8');
  expect(stderr.length).toBeLessThan(2 ** 20 + 200);
  expect(stderr).toContain(`[durable-wes: stderr was cut at ${2 ** 20} bytes: the rest was dropped]`);
});

test('past the host cap of running engines a run waits QUEUED until a slot is free', async () => {
  const holder = await h.start({ ...sh('sleep 60'), workflow_params: { script: 'sleep 60' } }, { provider: 'single' });
  await waitForSnapshot(holder, (s) => s.externalId !== undefined);
  const waiting = await h.start(sh('echo my turn'), { provider: 'single' });
  const queued = (s: RunSnapshot) => s.transitions.some((t) => t.payload?.provider_state === 'QUEUED');
  const seen = await waitForSnapshot(waiting, queued, 30_000);
  expect(seen.transitions.find((t) => t.payload?.provider_state === 'QUEUED')?.payload?.detail).toContain('at most 1 engines');
  // Waiting costs no history: once the workflow task that recorded QUEUED is done, the run's
  // events do not grow while it waits.
  const events = async () => (await waiting.fetchHistory()).events?.length ?? 0;
  let before = await events();
  for (let settled = false; !settled;) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const now = await events();
    settled = now === before;
    before = now;
  }
  await new Promise((resolve) => setTimeout(resolve, 3000));
  expect(await events()).toBe(before);
  expect(await waiting.query<RunSnapshot>('snapshot')).toMatchObject({ state: 'running', wesState: 'QUEUED' });
  await holder.cancel();
  expect(await printed(await finalSnapshot(waiting))).toBe('my turn\n');
});

test('a run past its disk limit, or past its wall time, is stopped, naming the limit', async () => {
  const disk = await run('i=0; while [ $i -lt 20 ]; do head -c 1000000 /dev/zero >"$HOME/f$i"; i=$((i + 1)); done; sleep 60', 'tight');
  expect(disk).toMatchObject({ wesState: 'EXECUTOR_ERROR' });
  expect(disk.error).toContain('disk limit of 8 MiB reached');
  const wall = await run('sleep 60', 'brief');
  expect(wall).toMatchObject({ wesState: 'EXECUTOR_ERROR' });
  expect(wall.error).toContain('wall time limit of 1 seconds reached');
});

test('without bubblewrap the worker refuses to start, saying how to fix it; "off" is said aloud', async () => {
  const config = (sandbox: unknown) => providerSettings('local', { sandbox });
  const said: string[] = [];
  const log = { info: (line: string) => said.push(`info ${line}`), warn: (line: string) => said.push(`warn ${line}`) };
  const refused = checkSandbox('local', config({ user: 'no-such-sandbox-user' }), log, { ...process.env, PATH: '/nonexistent' });
  await expect(refused).rejects.toThrow(SandboxUnavailableError);
  await expect(refused).rejects.toThrow(/bwrap \(bubblewrap\) is not on PATH.*apt-get install bubblewrap.*"sandbox": "off"/);
  await checkSandbox('local', config('off'), log);
  expect(said).toEqual([expect.stringMatching(/^warn provider local: sandbox off: engines run unconfined/)]);
});

test('limits must be sizes', () => {
  const parse = (sandbox: unknown) => () =>
    parseProvidersConfig({ default: 'local', providers: { local: { kind: 'local', sandbox } } }, 'test');
  expect(parse({ memory: 'lots' })).toThrow(ProvidersConfigError);
  expect(parse({ memory: 'lots' })).toThrow(/memory: must be a size/);
  expect(parse({ memory: '512 MiB' })().providers.local).toMatchObject({ sandbox: { memory: 512 * 2 ** 20, processes: 1024 } });
});

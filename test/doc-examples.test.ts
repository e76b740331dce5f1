/**
 * Every example README.md and docs/ show, run as a reader runs it (docs/quickstart.md, "How the
 * examples are tested"), and every workflow under examples/ run as shipped: against one product
 * with the shipped providers (local by default, and simulated), its worker the production one with
 * its /metrics, the API on a port of its own.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../src/config/config';
import { isTerminalWesState } from '../domain/wes-state';
import { API, createApiHarness, waitForState, type ApiHarness } from './support/api-harness';
import {
  commands,
  DOCUMENTS,
  missingLines,
  pattern,
  ROOT,
  RUN_ID,
  runnableBlocks,
  type CodeBlock,
  type Command,
} from './support/doc-examples';
import { EXAMPLE_RUNS } from './support/example-workflows';
import { freePort } from './support/free-port';
import { EXAMPLES } from './support/harness';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process';

/** Where the documents say the product is (`npm start`'s defaults), and where the test's is. */
const DOC_API = 'http://127.0.0.1:8080';
const DOC_METRICS = 'http://127.0.0.1:9464';
const COMMAND_TIMEOUT_MS = 120_000;

let api: ApiHarness;
let worker: WorkerProcess | undefined;
let apiOrigin: string;
let metricsOrigin: string;

beforeAll(async () => {
  const { providers } = loadConfig({ WES_WORKFLOW_ROOTS: EXAMPLES });
  api = await createApiHarness({ providers }, { startWorker: false });
  const [apiPort, metricsPort] = [await freePort(), await freePort()];
  await api.app.listen(apiPort, '127.0.0.1');
  apiOrigin = `http://127.0.0.1:${apiPort}`;
  metricsOrigin = `http://127.0.0.1:${metricsPort}`;
  worker = await startWorkerProcess({
    TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS!,
    WES_TASK_QUEUE: api.harness.taskQueue,
    WES_DATA_DIR: api.harness.dataDir,
    WES_WORKFLOW_ROOTS: EXAMPLES,
    WES_WORKER_METRICS_PORT: String(metricsPort),
    WORKFLOW_BUNDLE_PATH: process.env.WORKFLOW_BUNDLE_PATH!,
  });
}, 180_000);
afterAll(async () => {
  worker?.child.kill('SIGTERM');
  await worker?.exited;
  await api.stop();
});

/** The documents' addresses, as the test's product has them. */
const local = (text: string) => text.replaceAll(DOC_API, apiOrigin).replaceAll(DOC_METRICS, metricsOrigin);

/**
 * A reader's shell: `durable-wes` and `npx durable-wes` are the clone's bin/durable-wes.js, and curl
 * fails on an error answer (a reader reads it; a test needs the exit code to).
 */
const PRELUDE = [
  'set -o pipefail',
  'exec 2>&1',
  `durable-wes() { node ${JSON.stringify(path.join(ROOT, 'bin', 'durable-wes.js'))} "$@"; }`,
  'npx() { if [ "$1" = durable-wes ]; then shift; durable-wes "$@"; else command npx "$@"; fi; }',
  'curl() { command curl --silent --show-error --fail-with-body "$@"; }',
].join('\n');

interface Ran {
  where: string;
  code: number | null;
  output: string;
}

interface Session {
  cwd: string;
  /** Run ids in the order they first appeared in any output. */
  runIds: string[];
  /** Everything the commands printed so far, as the reader's terminal shows it. */
  shown: string;
  /** Output by block, in the order its commands ended. */
  outputs: Map<CodeBlock, string[]>;
  /** Commands run in the background (`cmd &`), by block, and how many still run. */
  background: Map<CodeBlock, Array<Promise<Ran>>>;
  running: number;
  /** How many run ids had appeared when the last background command started: `<run id>` is a newer one. */
  idsBeforeBackground: number;
  /** The process groups of the commands still running. */
  groups: Set<number>;
}

/** Stops a command and all it started; one that has ended already is no error. */
function stopGroup(session: Session, pid: number): void {
  session.groups.delete(pid);
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // It had ended.
  }
}

function shell(session: Session, block: CodeBlock, where: string, line: string): Promise<Ran> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('DURABLE_WES_')));
  const child = spawn('bash', ['-c', `${PRELUDE}\n${line}`], {
    cwd: session.cwd,
    env: { ...env, DURABLE_WES_URL: `${apiOrigin}${API}` },
    stdio: ['ignore', 'pipe', 'inherit'],
    // A group of its own: bash runs durable-wes as a child, which a signal to bash alone would leave running.
    detached: true,
  });
  session.groups.add(child.pid!);
  const timer = setTimeout(() => stopGroup(session, child.pid!), COMMAND_TIMEOUT_MS);
  let output = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    output += chunk;
    session.shown += chunk;
    for (const [id] of output.matchAll(RUN_ID)) if (!session.runIds.includes(id)) session.runIds.push(id);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      session.groups.delete(child.pid!);
      session.outputs.get(block)!.push(output);
      resolve({ where, code, output });
    });
  });
}

const expectSuccess = ({ where, code, output }: Ran) => expect({ where, code, output }).toEqual({ where, code: 0, output });

/** A block's commands have ended well, and it showed what the document says it shows. */
async function checkBlock(session: Session, block: CodeBlock): Promise<void> {
  for (const ran of await Promise.all(session.background.get(block) ?? [])) expectSuccess(ran);
  if (block.expected === undefined) return;
  const output = session.outputs.get(block)!.join('');
  const missing = missingLines(local(block.expected), output);
  expect({ block: `${block.document}:${block.line}`, missing, output }).toMatchObject({ missing: [] });
}

/**
 * `<run id>`: the run the reader last saw printed, once it has settled (waiting or ended), as a
 * reader who reads the output before typing on waits for it.
 */
async function withRunId(session: Session, text: string): Promise<string> {
  if (!text.includes('<run id>')) return text;
  while (session.runIds.length <= session.idsBeforeBackground) {
    if (session.running === 0) {
      // The background command that was to print it has ended: its own failure says more.
      for (const block of session.background.keys()) await checkBlock(session, block);
      throw new Error(`no command printed a run id for: ${text}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const runId = session.runIds.at(-1)!;
  const state = await waitForState(api.http, runId, (seen) => seen === 'PAUSED' || isTerminalWesState(seen), COMMAND_TIMEOUT_MS);
  // The reader answers a pause once the command left running has shown it, not when the API first says so.
  const deadline = Date.now() + COMMAND_TIMEOUT_MS;
  while (state === 'PAUSED' && session.running > 0 && !session.shown.includes(`${runId} PAUSED`) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return text.replaceAll('<run id>', runId);
}

async function runCommand(session: Session, block: CodeBlock, command: Command): Promise<void> {
  const where = `${block.document}:${block.line}: ${command.shell.trim()}`;
  // `cmd &`: the reader goes on while it runs; it must still end well.
  const background = /\s&\s*$/.test(command.shell);
  const line = local(await withRunId(session, command.shell.replace(/\s&\s*$/, '')));
  if (!background) {
    expectSuccess(await shell(session, block, where, line));
    if (command.file) {
      const text = readFileSync(path.join(session.cwd, command.file.path), 'utf8').trim();
      expect({ where, file: command.file.path, text, holds: pattern(command.file.holds).test(text) }).toMatchObject({ holds: true });
    }
    return;
  }
  session.idsBeforeBackground = session.runIds.length;
  session.running++;
  const ran = shell(session, block, where, line).finally(() => session.running--);
  session.background.set(block, [...(session.background.get(block) ?? []), ran]);
}

const runnable = DOCUMENTS.filter((document) => runnableBlocks(document).length > 0);

test.each(runnable)(
  '%s: every sh block runs, shows what the document says, and its runs end COMPLETE',
  async (document) => {
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'durable-wes-doc-'));
    // A clone's examples, in a directory of the test's own: the commands write results beside them.
    cpSync(EXAMPLES, path.join(cwd, 'examples'), { recursive: true });
    const session: Session = {
      cwd,
      runIds: [],
      shown: '',
      outputs: new Map(),
      background: new Map(),
      running: 0,
      idsBeforeBackground: 0,
      groups: new Set(),
    };
    try {
      const blocks = runnableBlocks(document);
      for (const block of blocks) {
        session.outputs.set(block, []);
        for (const command of commands(block)) await runCommand(session, block, command);
        // A block with a command in the background is checked once that has ended, at the end.
        if (!session.background.has(block)) await checkBlock(session, block);
      }
      for (const block of session.background.keys()) await checkBlock(session, block);
      expect(session.runIds.length).toBeGreaterThan(0);
      for (const runId of session.runIds)
        expect({ runId, state: await waitForState(api.http, runId) }).toEqual({ runId, state: 'COMPLETE' });
    } finally {
      for (const pid of session.groups) stopGroup(session, pid);
      rmSync(cwd, { recursive: true, force: true });
    }
  },
  600_000,
);

const here = Object.entries(EXAMPLE_RUNS).flatMap(([workflow, run]) => ('here' in run ? [{ workflow, ...run.here }] : []));

test.each(here)('$workflow with its params runs to $state through the API, on the shipped providers', async (example) => {
  const file = path.join(ROOT, example.workflow);
  const params = example.params === undefined ? {} : (parse(readFileSync(path.join(path.dirname(file), example.params), 'utf8')) as object);
  const { run_id: runId } = (
    await api.http
      .post(`${API}/runs`)
      .send({ workflow_type: example.type, workflow_type_version: example.version, workflow_url: file, workflow_params: params })
      .expect(200)
  ).body;
  expect(await waitForState(api.http, runId, isTerminalWesState, COMMAND_TIMEOUT_MS)).toBe(example.state);
});

/**
 * One Node.js for everything (docs/deployment.md, "Node.js"): scripts/node-runtime.sh pins it, every
 * shell script sources it before it runs node, npm or npx, the places that name its major agree,
 * and this very test runs on it, so a `npm test` that passes ran on the pinned version.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { nodeVersionProblem, requiredNodeMajor } from '../../src/processes/node-version';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

const NODE_VERSION = /^NODE_VERSION=(\d+\.\d+\.\d+)$/m.exec(read('scripts/node-runtime.sh'))?.[1] ?? '';
const MAJOR = Number(NODE_VERSION.split('.')[0]);

/** The repository's shell scripts, by path. */
const SCRIPTS = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.sh'], { cwd: ROOT, encoding: 'utf8' })
  .split('\n')
  .filter((file) => file !== '' && file !== 'scripts/node-runtime.sh');
/** A command word node, npm or npx (not ts-node, node_modules or scripts/node-runtime.sh). */
const RUNS_NODE = /(?<![\w./-])(?:node|npm|npx)(?![\w./-])/;
const SOURCES_RUNTIME = /^\s*(?:source|\.) +"?[^"\s]*scripts\/node-runtime\.sh"?\s*$/;

test('scripts/node-runtime.sh pins one exact version', () => {
  expect(NODE_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
});

test('the documents name the pinned version, not another', () => {
  const named = ['README.md', ...readdirSync(path.join(ROOT, 'docs')).map((name) => `docs/${name}`)]
    .filter((file) => file.endsWith('.md'))
    .flatMap((file) =>
      [...read(file).matchAll(/(?:node-|node-linux-\w+@|NODE_VERSION=)(\d+\.\d+\.\d+)/g)].map((match) => `${file}: ${match[1]}`),
    );
  expect(named.length).toBeGreaterThan(0);
  expect(named.filter((mention) => !mention.endsWith(`: ${NODE_VERSION}`))).toEqual([]);
});

test('every shell script that runs node, npm or npx sources scripts/node-runtime.sh before it does', () => {
  expect(SCRIPTS).toEqual(expect.arrayContaining(['scripts/start.sh', 'scripts/test.sh', 'temporal-dev.sh']));
  const late = SCRIPTS.filter((file) => {
    const lines = read(file)
      .split('\n')
      .filter((line) => !line.trimStart().startsWith('#'));
    const first = lines.findIndex((line) => RUNS_NODE.test(line));
    return first !== -1 && !lines.slice(0, first).some((line) => SOURCES_RUNTIME.test(line));
  });
  expect(late).toEqual([]);
});

test("the pinned major is engines.node's, @types/node's and the CLI bundle's target", () => {
  const pkg = JSON.parse(read('package.json')) as { engines: { node: string }; devDependencies: Record<string, string> };
  expect(pkg.engines.node).toBe(`>=${MAJOR}`);
  expect(requiredNodeMajor()).toBe(MAJOR);
  expect(pkg.devDependencies['@types/node']).toMatch(new RegExp(`^${MAJOR}\\.`));
  expect(read('scripts/cli-bundle.js')).toContain(`target: 'node${MAJOR}'`);
});

test('an older Node.js is refused with what is needed; the pinned one is not', () => {
  expect(nodeVersionProblem(`${MAJOR - 2}.20.2`)).toBe(
    `Node.js ${MAJOR} or later is needed (package.json engines), this is ${MAJOR - 2}.20.2: install it, or run this on the one the repository's commands pin (bash scripts/node-runtime.sh node …)`,
  );
  expect(nodeVersionProblem(NODE_VERSION)).toBeUndefined();
});

test('run rather than sourced, scripts/node-runtime.sh runs its arguments on the pinned Node.js', () => {
  const ran = execFileSync('bash', ['scripts/node-runtime.sh', 'node', '-p', 'process.version'], { cwd: ROOT, encoding: 'utf8' });
  expect(ran.trim()).toBe(`v${NODE_VERSION}`);
});

test('the tests run on the pinned Node.js (npm test puts it first on PATH; so does `source scripts/node-runtime.sh`)', () => {
  expect(process.version).toBe(`v${NODE_VERSION}`);
});

/**
 * The CLI as one bundled file (README, "CLI": start-up): bin/durable-wes.js runs it, so a call
 * loads one file instead of compiling TypeScript (ts-node took most of a second per call).
 * It is rebuilt when a file it was built from is newer than it, or gone; esbuild's metafile names
 * those files, and checking their times costs about a millisecond. Run alone (`npm run build:cli`,
 * done by `npm start` and `npm test`), it builds the bundle if it is stale.
 */
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dir = path.join(root, '.cache', 'cli');
const bundle = path.join(dir, 'durable-wes.cjs');
/** The files the bundle was built from, relative to the root, one a line. */
const inputsFile = path.join(dir, 'inputs.txt');

/** Whether the bundle exists and no file it was built from has changed since. */
function isFresh() {
  let built;
  let inputs;
  try {
    built = fs.statSync(bundle).mtimeMs;
    inputs = fs.readFileSync(inputsFile, 'utf8').split('\n').filter(Boolean);
  } catch {
    return false;
  }
  return inputs.every((input) => {
    const stat = fs.statSync(path.join(root, input), { throwIfNoEntry: false });
    return stat !== undefined && stat.mtimeMs <= built;
  });
}

/** Builds the bundle; written beside it and renamed, so that calls building at once do not read a half. */
function build(esbuild) {
  fs.mkdirSync(dir, { recursive: true });
  const temporary = `${bundle}.${process.pid}.tmp`;
  const { metafile } = esbuild.buildSync({
    absWorkingDir: root,
    entryPoints: ['src/cli/main.ts'],
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    outfile: temporary,
    metafile: true,
    logLevel: 'error',
  });
  const inputs = Object.keys(metafile.inputs);
  // Such a module finds the repository through __dirname, which in the bundle is .cache/cli.
  if (inputs.includes('activities/repo-root.ts'))
    throw new Error('the CLI must not import activities/repo-root.ts: the bundle moves __dirname');
  fs.writeFileSync(`${inputsFile}.${process.pid}.tmp`, `${[...inputs, 'package.json'].join('\n')}\n`);
  fs.renameSync(`${inputsFile}.${process.pid}.tmp`, inputsFile);
  fs.renameSync(temporary, bundle);
}

/**
 * The path of an up-to-date bundle, built first if needed; undefined where esbuild is not installed
 * (an install without dev dependencies), whose caller runs the tsc build in dist/ instead.
 */
function freshBundle() {
  if (isFresh()) return bundle;
  let esbuild;
  try {
    esbuild = require('esbuild');
  } catch {
    return undefined;
  }
  build(esbuild);
  return bundle;
}

module.exports = { freshBundle };

if (require.main === module) freshBundle();

#!/usr/bin/env node
/**
 * The `durable-wes` command (src/cli/). It runs the CLI bundled into one file by esbuild
 * (scripts/cli-bundle.js, rebuilt when a source is newer), which starts in about a tenth of a
 * second; an install without dev dependencies (no esbuild) runs the tsc build in dist/.
 */
const path = require('node:path');
const { freshBundle } = require('../scripts/cli-bundle');

const root = path.resolve(__dirname, '..');
const entry = freshBundle() ?? path.join(root, 'dist/src/cli/main.js');
const { version } = require(path.join(root, 'package.json'));

require(entry)
  .main(process.argv, version)
  .then((code) => {
    process.exitCode = code;
  });

#!/usr/bin/env node
/**
 * The `durable-wes` command (src/cli/). From a clone, the TypeScript sources run as they are
 * (ts-node, transpile only), so no build step comes first; an install without ts-node (production
 * dependencies only) runs the build in dist/.
 */
const path = require('node:path');

const root = path.resolve(__dirname, '..');
let entry;
try {
  require.resolve('ts-node', { paths: [root] });
  require('ts-node').register({ transpileOnly: true, project: path.join(root, 'tsconfig.json') });
  entry = path.join(root, 'src/cli/main.ts');
} catch {
  entry = path.join(root, 'dist/src/cli/main.js');
}

require(entry)
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });

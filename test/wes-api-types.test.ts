/**
 * The wes provider's client types are generated from the spec: the committed file cannot drift
 * from it. The generator runs as `npm run generate:wes-types` does, in a process of its own
 * (openapi-typescript loads ES modules that jest's module system cannot).
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const SPEC_DIR = path.resolve(__dirname, '..', 'spec');

test('spec/wes-api.d.ts is what `npm run generate:wes-types` makes of spec/wes-openapi.yaml, offline', async () => {
  const generator = path.join(SPEC_DIR, 'generate-wes-types.ts');
  const { stdout } = await promisify(execFile)(process.execPath, ['-r', 'ts-node/register/transpile-only', generator, '--stdout'], {
    maxBuffer: 16 * 1024 * 1024,
  });
  expect(stdout).toBe(await readFile(path.join(SPEC_DIR, 'wes-api.d.ts'), 'utf8'));
});

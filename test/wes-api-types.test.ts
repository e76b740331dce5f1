/**
 * The WES types are generated from the spec: the wes provider's client, the API's views and the
 * run request and log derive from spec/wes-api.d.ts, and the committed file cannot drift from the
 * spec. The generator runs as `npm run generate:wes-types` does, in a process of its own
 * (openapi-typescript loads ES modules that jest's module system cannot).
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import type { components } from '../spec/wes-api';
import { WES_STATES, type WesState } from '../domain/wes-state';

const SPEC_DIR = path.resolve(__dirname, '..', 'spec');

test('spec/wes-api.d.ts is what `npm run generate:wes-types` makes of spec/wes-openapi.yaml, offline', async () => {
  const generator = path.join(SPEC_DIR, 'generate-wes-types.ts');
  const { stdout } = await promisify(execFile)(process.execPath, ['-r', 'ts-node/register/transpile-only', generator, '--stdout'], {
    maxBuffer: 16 * 1024 * 1024,
  });
  expect(stdout).toBe(await readFile(path.join(SPEC_DIR, 'wes-api.d.ts'), 'utf8'));
});

test("the states the service shows are the spec's State enum, in its order", async () => {
  const spec = parse(await readFile(path.join(SPEC_DIR, 'wes-openapi.yaml'), 'utf8'));
  expect([...WES_STATES]).toEqual(spec.components.schemas.State.enum);
  // The views type `state` as WesState over the generated State: the two must be one type (else this does not compile).
  type State = components['schemas']['State'];
  const same: [WesState] extends [State] ? ([State] extends [WesState] ? true : false) : false = true;
  expect(same).toBe(true);
});

/**
 * Generates spec/wes-api.d.ts, the types of the WES 1.1 API the `wes` provider calls, from
 * spec/wes-openapi.yaml: `npm run generate:wes-types` (with `--stdout`, prints it instead).
 * The spec refers to the service-info schema by a remote URL; the reference is pointed at the copy
 * next to it (spec/service-info.yaml), so that generating needs no network and gives the same file
 * wherever it runs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';

const SPEC = path.join(__dirname, 'wes-openapi.yaml');
const SERVICE_INFO_URL = 'https://raw.githubusercontent.com/ga4gh-discovery/ga4gh-service-info/v1.0.0/service-info.yaml';

async function generate(): Promise<string> {
  const spec = readFileSync(SPEC, 'utf8').replaceAll(SERVICE_INFO_URL, './service-info.yaml');
  // Relative references resolve against `cwd` as if it were the document's own location.
  const ast = await openapiTS(spec, { cwd: pathToFileURL(SPEC), silent: true });
  return `${COMMENT_HEADER}${astToString(ast)}`;
}

void generate().then((types) => {
  if (process.argv.includes('--stdout')) process.stdout.write(types);
  else writeFileSync(path.join(__dirname, 'wes-api.d.ts'), types);
});

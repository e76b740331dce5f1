/**
 * Schemathesis against the real API, every phase (examples, coverage, fuzzing, stateful), from two
 * documents:
 *
 * - the document the API serves (/docs-json): requests it generates from the schemas must be
 *   answered as the document says (statuses, content types, bodies), requests that break the
 *   schemas must be refused, and methods a path does not have must be 405s with Allow;
 * - the official WES 1.1 document (spec/wes-openapi.yaml as it is; its remote service-info schema
 *   inlined, so that it resolves offline): what WES 1.1 says a client may send must be answered
 *   as WES 1.1 says, where our document does not say otherwise.
 *
 * In both, every error is an ErrorResponse whose status_code is the HTTP status (our check
 * error_response, test/support/schemathesis-checks.py). FUZZ_PROFILE=full (`npm run fuzz`) runs the
 * same with many more examples and keeps the reports (test/support/schemathesis.ts).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { officialDocument } from '../../src/api/openapi/openapi-document';
import { API, createApiHarness, waitForState, type ApiHarness, type Http } from '../support/api-harness';
import { keyAuth, READ_WRITE, testKey } from '../support/auth';
import { freePort } from '../support/free-port';
import { apiLinks, ensureSchemathesis, fuzzProfile, runSchemathesis, testCases } from '../support/schemathesis';
import { simulatedRun, submitRun } from '../support/submit-run';

const profile = fuzzProfile();
/** A test runs up to four schemathesis runs, plus setting up its app and runs. */
const TEST_TIMEOUT_MS = 4 * profile.timeoutMs + 60_000;

/** Phases of a run: those that fuzz one operation at a time (on the fixed runs), or the stateful one. */
type Phases = 'examples,coverage,fuzzing' | 'stateful';

interface Runs {
  runId: string;
  deletedRunId: string;
}

/**
 * Parameters: a page_token is only one this service issued (an empty one is the first page). The
 * operations of one run are given a real run, so that they answer more than 404s, DeleteRun a run
 * of its own, which the first DELETE forgets; but not in the stateful phase, where they are given
 * the runs that POST /runs created (simulated_runs in schemathesis-hooks.py), through the links
 * schemathesis infers.
 */
const parameters = (runs: Runs | undefined) => `
[parameters]
"query.page_token" = ""
${
  runs
    ? `"path.run_id" = "${runs.runId}"

[[operations]]
include-operation-id = "DeleteRun"
parameters."path.run_id" = "${runs.deletedRunId}"`
    : ''
}
`;

/** The stateful phase also checks that a run just created is found, and a deleted one stays gone. */
const statefulChecks = (phases: Phases) =>
  phases === 'stateful' ? 'use_after_free.enabled = true\nensure_resource_availability.enabled = true' : '';

/**
 * The checks are in the config file, not on the command line, where they would override the
 * per-operation exception. RunWorkflow: a request that fits the schema is still refused (400) when
 * the providers do not run its workflow_type and version, when its tags name no provider, or when
 * its relative workflow_url names no attachment; no schema can say what the configured providers
 * run.
 */
const servedConfig = (phases: Phases, runs?: Runs) => `
[checks]
enabled = false
not_a_server_error.enabled = true
status_code_conformance.enabled = true
content_type_conformance.enabled = true
response_schema_conformance.enabled = true
negative_data_rejection.enabled = true
positive_data_acceptance.enabled = true
unsupported_method.enabled = true
error_response.enabled = true
${statefulChecks(phases)}
${parameters(runs)}
[[operations]]
include-operation-id = "RunWorkflow"
checks.positive_data_acceptance.enabled = false
`;

/**
 * Against the official document, of its checks only those its text can decide:
 * - no 5xx; content types and bodies as it says where it documents the status;
 * - what it forbids is refused (our document is stricter than WES 1.1, never looser);
 * - each status is documented for its operation in the official document or in ours
 *   (DocumentedStatus): our extensions (409 on cancel, 400 of ListTasks, ...) are documented by us.
 * Not: positive_data_acceptance, as what WES 1.1 allows we may refuse, as documented (an empty
 * POST /runs, a page_size past 1000, a page_token we did not issue); nor unsupported_method, as the
 * paths have methods of ours it does not know (DELETE /runs/{run_id}), which also keeps the coverage
 * phase from sending an "unexpected" DELETE that would forget the run.
 */
const officialConfig = (phases: Phases, documents: string[], runs?: Runs) => `
[checks]
enabled = false
not_a_server_error.enabled = true
content_type_conformance.enabled = true
response_schema_conformance.enabled = true
negative_data_rejection.enabled = true
error_response.enabled = true
${statefulChecks(phases)}

[checks.DocumentedStatus]
enabled = true
documents = ${JSON.stringify(documents)}

[phases.coverage]
unexpected-methods = ["PUT", "PATCH", "TRACE", "OPTIONS"]
${parameters(runs)}`;

let api: ApiHarness;
let dir: string;
beforeAll(async () => {
  // Installed once, into .cache; a first install takes a minute or two.
  await ensureSchemathesis();
  api = await createApiHarness();
  dir = profile.reportDir ?? (await mkdtemp(path.join(os.tmpdir(), 'schemathesis-')));
  await mkdir(dir, { recursive: true });
}, 300_000);
/** What each run did, written to summary.json beside the reports of the full profile. */
const summary: Array<{
  run: string;
  examples_per_operation: number;
  test_cases?: string;
  api_links?: string;
  exit_code: number;
  seconds: number;
}> = [];
afterAll(async () => {
  await api.stop();
  if (profile.reportDir)
    await writeFile(
      path.join(profile.reportDir, 'summary.json'),
      `${JSON.stringify({ date: new Date().toISOString(), profile: profile.name, runs: summary }, null, 2)}\n`,
    );
  else if (dir) await rm(dir, { recursive: true, force: true });
});

/** Listens on a free port; returns its origin. */
async function listen(app: INestApplication): Promise<string> {
  const port = await freePort();
  await app.listen(port, '127.0.0.1');
  return `http://127.0.0.1:${port}`;
}

/** A completed run of the caller's (the owner of `bearer`, when auth is on), for the run operations to find. */
async function completedRun(http: Http, bearer?: string): Promise<string> {
  const runId = await submitRun(http, simulatedRun(), { bearer });
  await waitForState(api.http, runId);
  return runId;
}

async function completedRuns(http: Http, bearer?: string): Promise<Runs> {
  return { runId: await completedRun(http, bearer), deletedRunId: await completedRun(http, bearer) };
}

/**
 * Runs schemathesis with `config` against the document at `location`, the API at `origin`. A fixed
 * seed, so that a failure is seen again on the next run; one worker, as Python 3.11's parser (which
 * Hypothesis calls) can fail on threads ("AST constructor recursion depth mismatch").
 */
async function fuzz(name: string, phases: Phases, config: string, location: string, origin: string, extra: string[] = []): Promise<void> {
  const configFile = path.join(dir, `${name}.toml`);
  await writeFile(configFile, config);
  const started = Date.now();
  const { code, output } = await runSchemathesis(
    [
      '--config-file',
      configFile,
      'run',
      location,
      '--url',
      `${origin}${API}`,
      '--max-examples',
      String(profile.examplesPerOperation),
      '--phases',
      phases,
      '--seed',
      '1',
      '--workers',
      '1',
      '--request-timeout',
      '10',
      '--report',
      'junit,json',
      '--report-dir',
      path.join(dir, name),
      ...extra,
    ],
    profile.timeoutMs,
  );
  const links = apiLinks(output);
  summary.push({
    run: name,
    examples_per_operation: profile.examplesPerOperation,
    test_cases: testCases(output),
    api_links: links,
    exit_code: code,
    seconds: Math.round((Date.now() - started) / 1000),
  });
  console.log(
    `schemathesis ${name} (${profile.name}, ${profile.examplesPerOperation} examples per operation): ${testCases(output) ?? 'no summary'}${links ? `; API links ${links}` : ''}`,
  );
  if (code !== 0) console.log(output);
  expect({ code }).toEqual({ code: 0 });
}

test(
  'every operation answers generated requests as the served document and WES 1.1 say',
  async () => {
    const origin = await listen(api.app);
    const served = path.join(dir, 'served.json');
    const official = path.join(dir, 'official.json');
    await writeFile(served, (await api.http.get('/docs-json').expect(200)).text);
    await writeFile(official, JSON.stringify(officialDocument()));
    await fuzz(
      'served',
      'examples,coverage,fuzzing',
      servedConfig('examples,coverage,fuzzing', await completedRuns(api.http)),
      served,
      origin,
    );
    await fuzz('served-stateful', 'stateful', servedConfig('stateful'), served, origin);
    const documents = [official, served];
    await fuzz(
      'official',
      'examples,coverage,fuzzing',
      officialConfig('examples,coverage,fuzzing', documents, await completedRuns(api.http)),
      official,
      origin,
    );
    await fuzz('official-stateful', 'stateful', officialConfig('stateful', documents), official, origin);
  },
  TEST_TIMEOUT_MS,
);

/** With auth and a rate limit on, as a caller who may only read: writes answer 403, as documented. */
test(
  'with auth on, as a runs:read caller, too',
  async () => {
    const { app, http } = await api.createApp({
      ...keyAuth(['alice', 'alice', READ_WRITE], ['reader', 'alice', ['runs:read']]),
      rateLimit: { limit: 1_000_000, windowMs: 60_000 },
    });
    const runs = await completedRuns(http, testKey('alice'));
    const origin = await listen(app);
    // No stateful phase: this caller creates no runs to follow.
    await fuzz('auth', 'examples,coverage,fuzzing', servedConfig('examples,coverage,fuzzing', runs), `${origin}/docs-json`, origin, [
      '--header',
      `Authorization: Bearer ${testKey('reader')}`,
    ]);
  },
  TEST_TIMEOUT_MS,
);

/** Our checks can fail: a server whose error is no ErrorResponse, with a status its document does not list. */
test('the checks of ours catch what they are for', async () => {
  const document = {
    openapi: '3.0.3',
    info: { title: 'not WES', version: '1' },
    paths: {
      '/things/{id}': {
        get: {
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { 200: { description: '' } },
        },
      },
    },
  };
  const server = createServer((request, response) => {
    if (request.url === '/openapi.json') response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(document));
    else response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'no such thing' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const documentFile = path.join(dir, 'not-wes.json');
  await writeFile(documentFile, JSON.stringify(document));
  const configFile = path.join(dir, 'not-wes.toml');
  await writeFile(
    configFile,
    `[checks]\nenabled = false\nerror_response.enabled = true\n[checks.DocumentedStatus]\nenabled = true\ndocuments = ${JSON.stringify([documentFile])}\n`,
  );
  try {
    const { port } = server.address() as AddressInfo;
    const origin = `http://127.0.0.1:${port}`;
    const { code, output } = await runSchemathesis(
      [
        '--config-file',
        configFile,
        'run',
        `${origin}/openapi.json`,
        '--url',
        origin,
        '--max-examples',
        '2',
        '--phases',
        'fuzzing',
        '--seed',
        '1',
        '--workers',
        '1',
      ],
      60_000,
    );
    expect({ code }).toEqual({ code: 1 });
    expect(output).toContain("404 answered with {'error': 'no such thing'}, not an ErrorResponse");
    expect(output).toContain('404 is documented for GET /things/{id} in none of the documents');
  } finally {
    server.close();
  }
}, 90_000);

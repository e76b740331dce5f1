/**
 * The API against a hostile web page and a hostile submitter (issue 19's probes), on the real app,
 * worker, Temporal and PostgreSQL: pages of other sites and rebound host names are refused on
 * every route; a submitter's patterns, expressions, form fields and live streams are bounded.
 */
import request from 'supertest';
import { API, createApiHarness, fieldParts, postMultipart, waitForState, type ApiHarness, type Http } from '../support/api-harness';
import { freePort } from '../support/free-port';
import { dataOf, openStream } from '../support/sse';
import { postRun, submitRun } from '../support/submit-run';
import { taskDocument } from '../support/task-documents';
import { cpuMsOf, threadCpuClock } from '../support/thread-cpu';
import { runJob } from '../../src/task-definitions/reader-jobs';

let api: ApiHarness;
/** The main app, listening: requests carry the Host and Origin a browser would. */
let origin: string;
let client: Http;
beforeAll(async () => {
  api = await createApiHarness();
  const port = await freePort();
  await api.app.listen(port, '127.0.0.1');
  origin = `http://127.0.0.1:${port}`;
  client = request(origin);
});
afterAll(() => api.stop());

const SIMULATED_RUN = {
  workflow_type: 'SIMULATED',
  workflow_type_version: '1',
  workflow_url: 'simulated:',
  workflow_params: { duration_ms: 0 },
};
const totalRuns = async () => (await client.get(`${API}/runs`).expect(200)).body.total_runs as number;

describe('requests from web pages', () => {
  test('a POST /runs from a page of another site is a 403 ErrorResponse, and no run starts', async () => {
    const before = await totalRuns();
    const refused = await postRun(client, SIMULATED_RUN).set('Origin', 'https://evil.example').expect(403);
    expect(refused.body).toEqual({ msg: expect.stringContaining('"https://evil.example"'), status_code: 403 });
    // A form post needs no CORS preflight: it is refused the same.
    await postMultipart(client, fieldParts({ ...SIMULATED_RUN, workflow_params: '{}' }))
      .set('Origin', 'https://evil.example')
      .expect(403);
    await postRun(client, SIMULATED_RUN).set('Origin', 'null').expect(403);
    expect(await totalRuns()).toBe(before);
  });

  test('Sec-Fetch-Site: cross-site (or same-site) without an Origin is a 403, on any route', async () => {
    const refused = await postRun(client, SIMULATED_RUN).set('Sec-Fetch-Site', 'cross-site').expect(403);
    expect(refused.body).toEqual({ msg: expect.stringContaining('cross-site'), status_code: 403 });
    await client.get(`${API}/service-info`).set('Sec-Fetch-Site', 'same-site').expect(403);
    await client.get('/docs-json').set('Sec-Fetch-Site', 'cross-site').expect(403);
  });

  test('a rebound host name is a 421 ErrorResponse, on every route', async () => {
    const refused = await client.get(`${API}/runs`).set('Host', 'rebind.evil.example').expect(421);
    expect(refused.body).toEqual({ msg: expect.stringContaining('"rebind.evil.example"'), status_code: 421 });
    await client.get('/healthz').set('Host', 'rebind.evil.example:8080').expect(421);
    await postRun(client, SIMULATED_RUN).set('Host', 'rebind.evil.example').expect(421);
  });

  test("the API's own pages, the user, and clients that are not browsers are served as before", async () => {
    const own = await postRun(client, SIMULATED_RUN).set('Origin', origin).set('Sec-Fetch-Site', 'same-origin').expect(200);
    await client.get(`${API}/service-info`).set('Sec-Fetch-Site', 'none').expect(200);
    await client.get(`${API}/runs`).set('Host', 'localhost').expect(200);
    const plain = await postRun(client, SIMULATED_RUN).expect(200);
    expect(await waitForState(client, plain.body.run_id)).toBe('COMPLETE');
    expect(await waitForState(client, own.body.run_id)).toBe('COMPLETE');
  });

  test("the Temporal Web UI's page may call the codec routes, and no other: POST /runs from its origin is a 403", async () => {
    const ui = new URL(api.config.temporalUiUrl).origin;
    const before = await totalRuns();
    const refused = await postRun(client, SIMULATED_RUN).set('Origin', ui).set('Sec-Fetch-Site', 'same-site').expect(403);
    expect(refused.body).toEqual({ msg: expect.stringContaining(JSON.stringify(ui)), status_code: 403 });
    await client.get(`${API}/runs`).set('Origin', ui).expect(403);
    await client.options(`${API}/runs`).set('Origin', ui).set('Access-Control-Request-Method', 'POST').expect(403);
    expect(await totalRuns()).toBe(before);

    const decoded = await client
      .post(`${API}/codec/decode`)
      .set('Origin', ui)
      .set('Sec-Fetch-Site', 'same-site')
      .send({ payloads: [] })
      .expect(200);
    expect(decoded.headers['access-control-allow-origin']).toBe(ui);
    // Another page is refused there too.
    await client.post(`${API}/codec/decode`).set('Origin', 'https://evil.example').send({ payloads: [] }).expect(403);
  });

  test('WES_ALLOWED_HOSTS and WES_ALLOWED_ORIGINS add names and pages; URLs the API builds use the name asked', async () => {
    const trusting = await api.createApp({ allowedHosts: ['wes.example.org'], allowedOrigins: ['https://portal.example.org'] });
    const created = await postRun(trusting.http, SIMULATED_RUN).set('Origin', 'https://portal.example.org').expect(200);
    await postRun(trusting.http, SIMULATED_RUN).set('Origin', 'https://evil.example').expect(403);
    const runId = created.body.run_id;
    expect(await waitForState(trusting.http, runId)).toBe('COMPLETE');
    const info = (await trusting.http.get(`${API}/service-info`).set('Host', 'wes.example.org').expect(200)).body;
    expect(info.organization.url).toBe('http://wes.example.org');
    await trusting.http.get(`${API}/runs/${runId}`).set('Host', 'other.example.org').expect(421);
  });
});

describe('patterns of user schemas', () => {
  const withPattern = (pattern: string) =>
    taskDocument({
      parameters: { code: { type: 'string', pattern } },
      steps: [{ id: 'echo', run: { ...SIMULATED_RUN, workflow_params: { code: '{% params.code %}' } } }],
    });
  const submitTask = (definition: string, params: Record<string, unknown>) =>
    postMultipart(client, [
      ...fieldParts({
        workflow_type: 'DWES-TASK',
        workflow_type_version: '1.0',
        workflow_url: 'task.yaml',
        workflow_params: JSON.stringify(params),
      }),
      { name: 'workflow_attachment', value: definition, filename: 'task.yaml' },
    ]);

  // The task reader's thread starts with the first definition: as on an API that has served one.
  beforeAll(() => submitTask(withPattern('^a$'), { code: 'b' }).expect(400));

  test('^(a+)+$ against 33 characters is answered at once, and other requests are served meanwhile', async () => {
    const started = Date.now();
    let servedMeanwhile = 0;
    const probe = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      await client.get('/healthz').expect(200);
      servedMeanwhile = Date.now();
    })();
    const refused = await submitTask(withPattern('^(a+)+$'), { code: `${'a'.repeat(33)}!` }).expect(400);
    const answered = Date.now();
    await probe;
    expect(refused.body.msg).toMatch(/workflow_params\.code: must (match|be like)/);
    // Backtracking would take minutes; a loaded machine (the cluster suites run beside) stretches
    // a few milliseconds to hundreds.
    expect(answered - started).toBeLessThan(5_000);
    expect(servedMeanwhile - started).toBeLessThan(5_000);
  });

  test('a pattern RE2 cannot run is refused at submission, naming its key', async () => {
    const refused = await submitTask(withPattern('^(?=a)a$'), { code: 'a' }).expect(400);
    expect(refused.body.msg).toMatch(
      /parameters\.code\.pattern: is not a JSON Schema that compiles: pattern "\^\(\?=a\)a\$" is not one RE2 runs/,
    );
    const gate = taskDocument({
      steps: [
        { id: 'gate', wait_for_input: { prompt: 'ok?', schema: { type: 'object', patternProperties: { '(a)\\1': { type: 'string' } } } } },
      ],
    });
    expect((await submitTask(gate, {}).expect(400)).body.msg).toMatch(
      /steps\[0\]\.wait_for_input\.schema\.patternProperties: .*not one RE2 runs/,
    );
  });
});

describe('patterns of a gate, at resume', () => {
  const gated = taskDocument({
    steps: [
      {
        id: 'gate',
        wait_for_input: {
          prompt: 'code?',
          schema: { type: 'object', required: ['code'], properties: { code: { type: 'string', pattern: '^(a+)+$' } } },
        },
      },
      { id: 'echo', run: { ...SIMULATED_RUN, workflow_params: { code: '{% steps.gate.outputs.code %}' } } },
    ],
  });

  test('an input ^(a+)+$ would backtrack on is a 400 at once, the task stays PAUSED, and a good input resumes it', async () => {
    const { run_id: runId } = (
      await postMultipart(client, [
        ...fieldParts({ workflow_type: 'DWES-TASK', workflow_type_version: '1.0', workflow_url: 'task.yaml', workflow_params: '{}' }),
        { name: 'workflow_attachment', value: gated, filename: 'task.yaml' },
      ]).expect(200)
    ).body;
    expect(await waitForState(client, runId, (state) => state === 'PAUSED')).toBe('PAUSED');

    const started = Date.now();
    // JavaScript's RegExp, which the workflow's own check uses, would take hours on this.
    const refused = await client
      .post(`${API}/runs/${runId}/resume`)
      .send({ code: `${'a'.repeat(40)}!` })
      .expect(400);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(refused.body).toEqual({ msg: 'gate: the input at code: must be like ^(a+)+$', status_code: 400 });
    expect((await client.get(`${API}/runs/${runId}/status`).expect(200)).body.state).toBe('PAUSED');

    await client.post(`${API}/runs/${runId}/resume`).send({ code: 'aaaa' }).expect(200);
    expect(await waitForState(client, runId)).toBe('COMPLETE');
    const tasks = (await client.get(`${API}/runs/${runId}/tasks`).expect(200)).body.task_logs;
    expect(tasks.find((task: { id: string }) => task.id === 'gate').outputs).toEqual({ code: 'aaaa' });
    // Ended: no gate waits.
    await client.post(`${API}/runs/${runId}/resume`).send({ code: 'a' }).expect(409);
  });
});

describe('reading task definitions', () => {
  /** Within every limit, and the costliest kind measured: 64 KiB of parameter schemas with patterns and defaults. */
  const maximal = taskDocument({
    parameters: Object.fromEntries(
      Array.from({ length: 720 }, (_, i) => [
        `p${i}`,
        { type: 'string', pattern: `^x{${i % 50}}[a-z]+$`, default: `${'x'.repeat(i % 50)}a` },
      ]),
    ),
    steps: [{ id: 'echo', run: { ...SIMULATED_RUN, workflow_params: { first: '{% params.p0 %}' } } }],
  });
  const submit = () =>
    postMultipart(client, [
      ...fieldParts({ workflow_type: 'DWES-TASK', workflow_type_version: '1.0', workflow_url: 'task.yaml', workflow_params: '{}' }),
      { name: 'workflow_attachment', value: maximal, filename: 'task.yaml' },
    ]);

  test('5 maximal definitions are read off the event loop: it spends less CPU than 2 reads cost, and /healthz answers meanwhile', async () => {
    expect(Buffer.byteLength(maximal)).toBeGreaterThan(60 * 1024);
    expect(Buffer.byteLength(maximal)).toBeLessThanOrEqual(64 * 1024);
    // Warm: the reader's threads start with the first definition.
    await submit().expect(200);
    // What one read costs the thread it runs on, measured on this one (the event loop's), warm.
    const readJob = { kind: 'task', text: maximal, source: 'task.yaml', workflowParams: {} } as const;
    expect(runJob(readJob)).toHaveProperty('done');
    const readCpuMs = cpuMsOf(() => runJob(readJob));

    let reading = true;
    const loopCpu = threadCpuClock();
    const submissions = Promise.all(Array.from({ length: 5 }, () => submit().expect(200))).finally(() => (reading = false));
    let probes = 0;
    await new Promise((resolve) => setTimeout(resolve, 100));
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set false by the submissions' finally, which narrowing does not see
    while (reading) {
      await client.get('/healthz').expect(200);
      probes++;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await submissions;
    const loopCpuMs = loopCpu();
    // CPU time, not wall time: on a loaded machine (npm test runs the cluster suites beside) a probe
    // waits for the cores whatever the loop does. Held, the loop would spend 5 reads' CPU here; it
    // spends what the rest of the submissions and the probes cost (this process is API, client and
    // worker), which is less than 2 reads.
    expect(loopCpuMs).toBeLessThan(2 * readCpuMs);
    // Reading them takes seconds: the probes were answered meanwhile.
    expect(probes).toBeGreaterThanOrEqual(3);
  });
});

describe('expressions', () => {
  const submitSteps = (steps: unknown[], params: Record<string, unknown> = {}) =>
    postMultipart(client, [
      ...fieldParts({
        workflow_type: 'DWES-TASK',
        workflow_type_version: '1.0',
        workflow_url: 'task.yaml',
        workflow_params: JSON.stringify(params),
      }),
      { name: 'workflow_attachment', value: taskDocument({ parameters: { n: { type: 'integer' } }, steps }), filename: 'task.yaml' },
    ]);

  test('[1..1e7].([1..1e7]) is refused at submission, naming the budget', async () => {
    const refused = await submitSteps([{ id: 'bomb', run: { ...SIMULATED_RUN, workflow_params: { x: '{% [1..1e7].([1..1e7]) %}' } } }], {
      n: 1,
    }).expect(400);
    expect(refused.body.msg).toMatch(
      /steps\[0\]\.run\.workflow_params\.x: .*makes a range of 10000000 numbers, more than the 100000 items an expression may make/,
    );
  });

  test('a bomb the submission cannot see fails its step fast, naming the budget', async () => {
    const started = Date.now();
    const created = await submitSteps(
      [{ id: 'bomb', run: { ...SIMULATED_RUN, workflow_params: { x: '{% $count([1..params.n].([1..params.n])) %}' } } }],
      { n: 10_000_000 },
    ).expect(200);
    const runId = created.body.run_id;
    expect(await waitForState(client, runId)).toBe('EXECUTOR_ERROR');
    expect(Date.now() - started).toBeLessThan(20_000);
    const tasks = (await client.get(`${API}/runs/${runId}/tasks`).expect(200)).body;
    expect(tasks.task_logs[0].system_logs.join('\n')).toMatch(/maximum sequence length of 100000|budget of an expression/);
  });
});

describe('multipart form fields', () => {
  const fourMiB = 'x'.repeat(4 * 1024 * 1024);

  test('3 × 4 MiB unknown fields: a 400 naming the first, decided at its header, before its value is read', async () => {
    // The body never closes (no final boundary): a parser that read the fields to their end before
    // judging them would answer "Unexpected end of form" instead.
    const boundary = 'durable-wes-probe';
    const part = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const fields = Object.entries({ ...SIMULATED_RUN, workflow_params: '{}' }).map(([name, value]) => part(name, value));
    const body = [...fields, part('junk1', fourMiB), part('junk2', fourMiB), part('junk3', fourMiB)].join('');
    const started = Date.now();
    const refused = await client
      .post(`${API}/runs`)
      .set('content-type', `multipart/form-data; boundary=${boundary}`)
      .send(body)
      .expect(400);
    expect(refused.body).toEqual({
      msg: expect.stringMatching(/^unknown field 'junk1': a run request's form has workflow_params, /),
      status_code: 400,
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test('an unknown field larger than any field may be is refused for its name, not buffered to the field limit first', async () => {
    // The name alone decides: the field's value is not read, up to the field limit, to answer 413.
    const small = await api.createApp({ maxBodyBytes: 1024 * 1024 });
    const refused = await postMultipart(small.http, [
      ...fieldParts({ ...SIMULATED_RUN, workflow_params: '{}' }),
      { name: 'junk', value: 'x'.repeat(2 * 1024 * 1024) },
    ]).expect(400);
    expect(refused.body.msg).toMatch(/^unknown field 'junk'/);
  });

  test('the text fields of one request are as large as a JSON body may be, in all', async () => {
    const small = await api.createApp({ maxBodyBytes: 1024 * 1024 });
    const half = JSON.stringify({ sample: 'x'.repeat(600 * 1024) });
    const refused = await postMultipart(small.http, [
      ...fieldParts({ ...SIMULATED_RUN, workflow_params: half }),
      { name: 'workflow_params', value: half },
    ]).expect(413);
    expect(refused.body.msg).toMatch(/form fields of one request are larger than 1048576 bytes in all \(WES_MAX_BODY_BYTES\)/);
    // One of them alone is a run.
    await postMultipart(small.http, fieldParts({ ...SIMULATED_RUN, workflow_params: half })).expect(200);
  });
});

describe('deeply nested JSON', () => {
  test('workflow_params nested 100,000 deep is a 400, as a JSON body and as a form field, not a stack overflow (500)', async () => {
    const deep = `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const { workflow_type, workflow_type_version, workflow_url } = SIMULATED_RUN;
    const body = `{"workflow_type":"${workflow_type}","workflow_type_version":"${workflow_type_version}","workflow_url":"${workflow_url}","workflow_params":${deep}}`;
    const refused = await client.post(`${API}/runs`).set('content-type', 'application/json').send(body).expect(400);
    expect(refused.body).toEqual({ msg: 'request body: the JSON nests arrays and objects more than 128 deep', status_code: 400 });
    const form = await postMultipart(
      client,
      fieldParts({ workflow_type, workflow_type_version, workflow_url, workflow_params: deep }),
    ).expect(400);
    expect(form.body.msg).toBe('workflow_params nests arrays and objects more than 128 deep');
  });
});

describe('live streams', () => {
  let base: string;
  beforeAll(async () => {
    const limited = await api.createApp({ maxStreamsPerCaller: 1, streamMaxAgeMs: 1500 });
    const port = await freePort();
    await limited.app.listen(port, '127.0.0.1');
    base = `http://127.0.0.1:${port}${API}`;
  });

  const pausedRun = async () => {
    const runId = await submitRun(client, { ...SIMULATED_RUN, require_approval: true });
    await waitForState(client, runId, (state) => state === 'PAUSED');
    return runId;
  };

  test('past the streams a caller may have open: a 429 ErrorResponse before any stream; a stream past its lifetime ends, telling the client to reconnect', async () => {
    const runId = await pausedRun();
    const first = await openStream(`${base}/runs/${runId}/transitions?follow=true`);
    expect(first.status).toBe(200);
    const second = await fetch(`${base}/runs/${runId}/transitions?follow=true`, { headers: { Accept: 'text/event-stream' } });
    expect(second.status).toBe(429);
    expect(await second.json()).toEqual({ msg: expect.stringContaining('WES_MAX_STREAMS_PER_CALLER'), status_code: 429 });

    // The run stays paused: only the lifetime ends the stream.
    const events = await first.ended;
    expect(dataOf(events, 'end')).toEqual([]);
    expect(dataOf(events, 'error')).toEqual([{ msg: expect.stringMatching(/lifetime .*reconnect with Last-Event-ID/), status_code: 503 }]);
    // Its place is free again; resuming from the last id sees nothing twice.
    const again = await openStream(`${base}/runs/${runId}/transitions?follow=true`, {
      'Last-Event-ID': events.filter((e) => e.id).at(-1)!.id!,
    });
    expect(again.status).toBe(200);
    again.close();
    await client.post(`${API}/runs/${runId}/resume`).expect(200);
  });
});

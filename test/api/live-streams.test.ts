/**
 * The live streams (follow=true) of transitions and logs, over real HTTP connections to the real
 * API: what is there first, then what comes while the client listens, an `end` event once the run
 * has ended, and Last-Event-ID to resume.
 */
import path from 'node:path';
import { API, createApiHarness, waitForState, type ApiHarness } from '../support/api-harness';
import { eventually } from '../support/eventually';
import { freePort } from '../support/free-port';
import { EXAMPLES } from '../support/harness';
import { dataOf, openStream } from '../support/sse';
import { cwlRun, simulatedRun, submitRun } from '../support/submit-run';

let api: ApiHarness;
let base: string;
beforeAll(async () => {
  api = await createApiHarness();
  const port = await freePort();
  await api.app.listen(port, '127.0.0.1');
  base = `http://127.0.0.1:${port}${API}`;
});
afterAll(() => api.stop());

const held = () => submitRun(api.http, simulatedRun({ duration_ms: 0 }, { require_approval: true }));

test('transitions: those so far, then each new one as it comes, then the end, and the response ends', async () => {
  const runId = await held();
  await waitForState(api.http, runId, (state) => state === 'PAUSED');
  const stream = await openStream(`${base}/runs/${runId}/transitions?follow=true`);
  expect(stream.status).toBe(200);
  expect(stream.contentType).toMatch(/^text\/event-stream/);
  // Replayed, and the stream stays open: the run goes on.
  await eventually(
    () => stream.events.length,
    (count) => count >= 2,
    { what: 'the replayed transitions' },
  );
  expect(dataOf(stream.events, 'transition').map((t) => `${t.type}:${t.to}`)).toEqual(['init:starting', 'wait:awaiting_input']);
  expect(dataOf(stream.events, 'end')).toEqual([]);

  await api.http.post(`${API}/runs/${runId}/resume`).send({ approved_by: 'stream' }).expect(200);
  const events = await stream.ended;
  expect(events.map((e) => e.event)).toEqual(['transition', 'transition', 'transition', 'transition', 'end']);
  // Each with the WES state it led to.
  expect(dataOf(events, 'transition').map((t) => `${t.type}:${t.to}:${t.wes_state}`)).toEqual([
    'init:starting:INITIALIZING',
    'wait:awaiting_input:PAUSED',
    'resume:running:RUNNING',
    'finish:succeeded:COMPLETE',
  ]);
  // Each transition's id is its seq; the end is the run's WES state.
  expect(events.map((e) => e.id)).toEqual(['1', '2', '3', '4', undefined]);
  expect(dataOf(events, 'end')).toEqual([{ state: 'COMPLETE' }]);
  // What was streamed is what the list says.
  const { body } = await api.http.get(`${API}/runs/${runId}/transitions`).expect(200);
  expect(dataOf(events, 'transition')).toEqual(body.transitions);
});

test('transitions: Last-Event-ID resumes after the last event seen', async () => {
  const runId = await held();
  await waitForState(api.http, runId, (state) => state === 'PAUSED');
  await api.http.post(`${API}/runs/${runId}/resume`).expect(200);
  expect(await waitForState(api.http, runId)).toBe('COMPLETE');
  const resumed = await openStream(`${base}/runs/${runId}/transitions?follow=true`, { 'Last-Event-ID': '2' });
  const events = await resumed.ended;
  expect(events.map((e) => `${e.event ?? ''}:${e.id ?? ''}`)).toEqual(['transition:3', 'transition:4', 'end:']);
  // Past the last one: only the end.
  const after = await openStream(`${base}/runs/${runId}/transitions?follow=true`, { 'Last-Event-ID': '4' });
  expect((await after.ended).map((e) => e.event)).toEqual(['end']);
});

test('a stream of a run that does not exist, or with a malformed Last-Event-ID, is a WES error, not a stream', async () => {
  for (const url of [`${API}/runs/run-missing/transitions?follow=true`, `${API}/runs/run-missing/logs/stdout?follow=true`]) {
    const response = await api.http.get(url).expect(404);
    expect(response.body).toEqual({ msg: 'run run-missing not found', status_code: 404 });
  }
  const runId = await held();
  const response = await api.http.get(`${API}/runs/${runId}/transitions?follow=true`).set('Last-Event-ID', 'seven').expect(400);
  expect(response.body).toEqual({ msg: expect.stringContaining('Last-Event-ID'), status_code: 400 });
  await api.http.post(`${API}/runs/${runId}/cancel`).expect(200);
});

test("logs: a local run's stderr as it is written, to the end of the run; Last-Event-ID resumes at a byte offset", async () => {
  const runId = await submitRun(
    api.http,
    cwlRun(path.join(EXAMPLES, 'sleep', 'sleep.cwl'), { seconds: 60 }, { tags: { wes_provider: 'local' } }),
  );
  const stream = await openStream(`${base}/runs/${runId}/logs/stderr?follow=true`);
  expect(stream.contentType).toMatch(/^text\/event-stream/);
  const text = () =>
    dataOf(stream.events, 'output')
      .map((chunk) => chunk.text)
      .join('');
  // The engine's log arrives while the run is still going: the stream has not ended. The read
  // model hears of RUNNING once the activity that started the engine returns, which under load can
  // be after the engine's first line.
  await eventually(text, (seen) => seen.includes('[job sleep.cwl]'), { what: 'the engine to log the job', timeoutMs: 60_000 });
  expect(stream.events.some((event) => event.event === 'end')).toBe(false);
  expect(await waitForState(api.http, runId, (state) => state !== 'INITIALIZING' && state !== 'QUEUED')).toBe('RUNNING');

  await api.http.post(`${API}/runs/${runId}/cancel`).expect(200);
  const events = await stream.ended;
  expect(events.at(-1)).toMatchObject({ event: 'end', data: JSON.stringify({ state: 'CANCELED' }) });
  // Everything the log holds, exactly once, in order; each id is the byte offset after its chunk.
  const whole = (await api.http.get(`${API}/runs/${runId}/logs/stderr`).expect(200)).text;
  expect(text()).toBe(whole);
  const outputs = events.filter((e) => e.event === 'output');
  expect(Number(outputs.at(-1)!.id)).toBe(Buffer.byteLength(whole));

  const offset = Number(outputs[0].id);
  const resumed = await openStream(`${base}/runs/${runId}/logs/stderr?follow=true`, { 'Last-Event-ID': String(offset) });
  const rest = dataOf(await resumed.ended, 'output')
    .map((chunk) => chunk.text)
    .join('');
  expect(rest).toBe(Buffer.from(whole).subarray(offset).toString('utf8'));
});

test('logs: a run whose provider keeps no log streams only its end', async () => {
  const runId = await submitRun(api.http);
  expect(await waitForState(api.http, runId)).toBe('COMPLETE');
  const stream = await openStream(`${base}/runs/${runId}/logs/stdout?follow=true`);
  expect((await stream.ended).map((e) => [e.event, e.data])).toEqual([['end', JSON.stringify({ state: 'COMPLETE' })]]);
});

test("a HEAD with follow=true gets the plain answer's headers, not a stream that waits for the run", async () => {
  const runId = await held();
  for (const url of [`${API}/runs/${runId}/transitions?follow=true`, `${API}/runs/${runId}/logs/stdout?follow=true`]) {
    // A stream would stay open as long as the run is held: the timeout would end the request.
    const response = await api.http.head(url).timeout(10_000).expect(200);
    expect(response.headers['content-type']).not.toMatch(/event-stream/);
  }
  await api.http.post(`${API}/runs/${runId}/cancel`).expect(200);
});

test('a client that hangs up ends its stream; the API goes on serving', async () => {
  const runId = await held();
  await waitForState(api.http, runId, (state) => state === 'PAUSED');
  const stream = await openStream(`${base}/runs/${runId}/transitions?follow=true`);
  await eventually(
    () => stream.events.length,
    (count) => count >= 2,
    { what: 'the replayed transitions' },
  );
  stream.close();
  await stream.ended;
  await api.http.post(`${API}/runs/${runId}/resume`).expect(200);
  expect(await waitForState(api.http, runId)).toBe('COMPLETE');
  const again = await openStream(`${base}/runs/${runId}/transitions?follow=true`);
  expect(dataOf(await again.ended, 'end')).toEqual([{ state: 'COMPLETE' }]);
});

test('an API that shuts down ends its open streams with an error event; the client resumes on another with Last-Event-ID', async () => {
  const runId = await held();
  await waitForState(api.http, runId, (state) => state === 'PAUSED');
  const replica = await api.createApp();
  const port = await freePort();
  await replica.app.listen(port, '127.0.0.1');
  const stream = await openStream(`http://127.0.0.1:${port}${API}/runs/${runId}/transitions?follow=true`);
  await eventually(
    () => stream.events.length,
    (count) => count >= 2,
    { what: 'the replayed transitions' },
  );
  // The open stream does not hold the shutdown up.
  await replica.app.close();
  const events = await stream.ended;
  expect(events.map((e) => e.event)).toEqual(['transition', 'transition', 'error']);
  expect(dataOf(events, 'error')).toEqual([{ msg: expect.stringContaining('shutting down'), status_code: 503 }]);

  await api.http.post(`${API}/runs/${runId}/resume`).expect(200);
  const resumed = await openStream(`${base}/runs/${runId}/transitions?follow=true`, { 'Last-Event-ID': events[1].id! });
  expect((await resumed.ended).map((e) => `${e.event ?? ''}:${e.id ?? ''}`)).toEqual(['transition:3', 'transition:4', 'end:']);
});

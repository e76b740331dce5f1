/**
 * The claim-check codec: alone (what is stored, what passes through, what fails) and on a real
 * Temporal dev server, where it is what lets a run take and return values beyond the 2 MB limit.
 */
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ContentAddressedStore } from '../src/payloads/blob-store';
import { ClaimCheckCodec, isClaimCheck, type ClaimCheck } from '../src/payloads/claim-check-codec';
import { createDataConverter } from '../src/payloads/data-converter';
import { echoHead } from './fixtures/echo-workflow';
import { installQuietRuntime } from './support/runtime';

const KiB = 1024;
const MB = 1024 * 1024;

let blobDir: string;
beforeEach(() => {
  blobDir = mkdtempSync(path.join(os.tmpdir(), 'durable-wes-payloads-'));
});
afterEach(() => {
  rmSync(blobDir, { recursive: true, force: true });
});

function codec(thresholdBytes?: number): ClaimCheckCodec {
  return new ClaimCheckCodec(new ContentAddressedStore(blobDir), { thresholdBytes });
}

/** A JSON payload of about `bytes` bytes whose content differs from call to call. */
function payloadOfSize(bytes: number): Payload {
  return defaultPayloadConverter.toPayload(randomBytes(Math.ceil(bytes / 2)).toString('hex'));
}

function serialized(payload: Payload): Buffer {
  return Buffer.from(temporal.api.common.v1.Payload.encode(payload).finish());
}

/** Compared as whole buffers: jest's deep equality walks megabytes byte by byte. */
function sameBytes(actual: Payload[], expected: Payload[]): boolean {
  return actual.length === expected.length && actual.every((payload, i) => serialized(payload).equals(serialized(expected[i])));
}

/** The blobs in the store, without its reference directories. */
const blobs = () => readdirSync(blobDir).filter((name) => /^[0-9a-f]{64}$/.test(name));

function claimCheckOf(payload: Payload): ClaimCheck {
  return JSON.parse(Buffer.from(payload.data!).toString());
}

describe('the claim-check codec alone', () => {
  test('small payloads pass through byte-identical and are not stored', async () => {
    const small = [payloadOfSize(100), payloadOfSize(100 * KiB)];
    const encoded = await codec().encode(small);
    expect(sameBytes(encoded, small)).toBe(true);
    expect(sameBytes(await codec().decode(encoded), small)).toBe(true);
    expect(blobs()).toEqual([]);
  });

  test('large payloads become claim checks and decode to the original, metadata included', async () => {
    const large = { ...payloadOfSize(1 * MB), metadata: { encoding: Buffer.from('json/plain'), extra: Buffer.from('kept') } };
    const mixed = [payloadOfSize(10), large, payloadOfSize(10)];
    const encoded = await codec().encode(mixed);

    expect(encoded.map(isClaimCheck)).toEqual([false, true, false]);
    expect(serialized(encoded[1]).length).toBeLessThan(200);
    const check = claimCheckOf(encoded[1]);
    expect(check).toEqual({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/), size: serialized(large).length });
    expect(blobs()).toEqual([check.sha256]);
    expect(sameBytes(await codec().decode(encoded), mixed)).toBe(true);
  });

  test('a payload encoded twice is stored once, and the second encode leaves the blob alone', async () => {
    const large = payloadOfSize(300 * KiB);
    const [first] = await codec().encode([large]);
    const blob = path.join(blobDir, claimCheckOf(first).sha256);
    const before = statSync(blob, { bigint: true });

    const [second] = await codec().encode([large]);
    expect(sameBytes([second], [first])).toBe(true);
    expect(blobs()).toEqual([path.basename(blob)]);
    const after = statSync(blob, { bigint: true });
    expect([after.ino, after.mtimeNs]).toEqual([before.ino, before.mtimeNs]);
  });

  test('the threshold is configurable', async () => {
    const payload = payloadOfSize(2 * KiB);
    expect((await codec().encode([payload])).map(isClaimCheck)).toEqual([false]);
    expect((await codec(1 * KiB).encode([payload])).map(isClaimCheck)).toEqual([true]);
  });

  test('a missing blob fails decode, naming the hash and the directory', async () => {
    const encoded = await codec().encode([payloadOfSize(200 * KiB)]);
    const { sha256 } = claimCheckOf(encoded[0]);
    rmSync(path.join(blobDir, sha256));
    await expect(codec().decode(encoded)).rejects.toThrow(`blob ${sha256} is missing from ${blobDir}`);
  });

  test('a corrupt blob fails decode, naming the hash and the directory', async () => {
    const encoded = await codec().encode([payloadOfSize(200 * KiB)]);
    const { sha256 } = claimCheckOf(encoded[0]);
    writeFileSync(path.join(blobDir, sha256), 'not the stored payload');
    await expect(codec().decode(encoded)).rejects.toThrow(`blob ${sha256} in ${blobDir} is corrupt`);
  });

  test('a claim check whose hash is not a digest names no file', async () => {
    const forged = { ...(await codec().encode([payloadOfSize(200 * KiB)]))[0] };
    forged.data = Buffer.from(JSON.stringify({ sha256: '../../etc/passwd', size: 1 }));
    await expect(codec().decode([forged])).rejects.toThrow(`'../../etc/passwd' is not a SHA-256 hex digest`);
  });
});

describe('through a real Temporal worker and client', () => {
  const INPUT_CHARS = 5 * MB;
  const RESULT_CHARS = 3 * MB;
  let connection: Connection;
  beforeAll(async () => {
    installQuietRuntime();
    connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
  });
  afterAll(async () => {
    await connection.close();
  });

  test('without the codec, Temporal refuses to start a run with a 5 MB argument', async () => {
    // No retry interceptor: the client would retry the refusal (RESOURCE_EXHAUSTED) for 40 seconds.
    const noRetries = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS, interceptors: [] });
    try {
      const start = new Client({ connection: noRetries }).workflow.start(echoHead, {
        taskQueue: `payload-codec-${randomUUID()}`,
        workflowId: `payload-codec-${randomUUID()}`,
        args: ['x'.repeat(INPUT_CHARS), RESULT_CHARS],
      });
      await expect(start).rejects.toMatchObject({
        message: 'Failed to start Workflow',
        cause: { message: expect.stringMatching(/RESOURCE_EXHAUSTED: grpc: received message larger than max/) },
      });
    } finally {
      await noRetries.close();
    }
  });

  test('with it, a run takes a 5 MB argument and returns a 3 MB result; no history payload is over 256 KiB', async () => {
    const dataConverter = createDataConverter(blobDir);
    const taskQueue = `payload-codec-${randomUUID()}`;
    const workerConnection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS });
    try {
      const worker = await Worker.create({
        connection: workerConnection,
        taskQueue,
        workflowsPath: require.resolve('./fixtures/echo-workflow'),
        dataConverter,
      });
      const client = new Client({ connection, dataConverter });
      const input = randomBytes(INPUT_CHARS / 2).toString('hex');

      const handle = await client.workflow.start(echoHead, {
        taskQueue,
        workflowId: `payload-codec-${randomUUID()}`,
        args: [input, RESULT_CHARS],
      });
      const result = await worker.runUntil(handle.result());
      expect(result === input.slice(0, RESULT_CHARS)).toBe(true);

      const { events } = await handle.fetchHistory();
      const started = events!.find((e) => e.workflowExecutionStartedEventAttributes)!;
      const completed = events!.find((e) => e.workflowExecutionCompletedEventAttributes)!;
      expect(started.workflowExecutionStartedEventAttributes!.input!.payloads!.map(isClaimCheck)).toEqual([true, false]);
      expect(completed.workflowExecutionCompletedEventAttributes!.result!.payloads!.map(isClaimCheck)).toEqual([true]);
      const sizes = [...payloadsIn(events)].map((payload) => serialized(payload).length);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(256 * KiB);
      expect(blobs()).toHaveLength(2);
    } finally {
      await workerConnection.close();
    }
  });
});

/** Every payload anywhere in a history, found by shape so that no event type is missed. */
function* payloadsIn(value: unknown): Generator<Payload> {
  if (value == null || typeof value !== 'object' || ArrayBuffer.isView(value)) return;
  if ('metadata' in value && 'data' in value && ArrayBuffer.isView(value.data)) {
    yield value as Payload;
    return;
  }
  for (const child of Object.values(value)) yield* payloadsIn(child);
}

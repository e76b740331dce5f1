/**
 * Authentication and authorization against the real API, worker, Temporal and PostgreSQL: API keys
 * and JWTs of a real JWKS endpoint (an HTTP server serving keys made with jose), every way a
 * credential is refused (401), scopes (403), owners' isolation (404) and admin.
 */
import { ModulesContainer, Reflector } from '@nestjs/core';
import { METHOD_METADATA } from '@nestjs/common/constants';
import type { ExecutionContext } from '@nestjs/common';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload, type KeyLike } from 'jose';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Test } from 'supertest';
import type { JwtConfig } from '../../src/config/auth-config';
import { isPublic } from '../../src/api/auth/bearer-auth.guard';
import { requiredScope } from '../../src/api/auth/require-scope.decorator';
import {
  API,
  createApiHarness,
  expectSchema,
  fieldParts,
  postMultipart,
  waitForState,
  type ApiHarness,
  type Http,
} from '../support/api-harness';
import { keyAuth, READ_WRITE, testKey } from '../support/auth';
import { freePort } from '../support/free-port';
import { postRun, simulatedRun, submitRun } from '../support/submit-run';

const ROOT = path.resolve(__dirname, '../..');
const ISSUER = 'https://idp.test/';
const AUDIENCE = 'durable-wes-test';
const KEY_ID = 'test-key';

let api: ApiHarness;
let http: Http;
let jwks: Server;
let signingKey: KeyLike;
let attackerKey: KeyLike;
let jwt: JwtConfig;

/** A JWT signed by the identity provider, unless another key or claims are given; `expiresIn: null` gives none. */
async function token(
  claims: JWTPayload,
  options: { key?: KeyLike; issuer?: string; audience?: string; expiresIn?: string | number | null } = {},
): Promise<string> {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: KEY_ID })
    .setIssuedAt()
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE);
  if (options.expiresIn !== null) jwt.setExpirationTime(options.expiresIn ?? '5m');
  return jwt.sign(options.key ?? signingKey);
}

const as = (bearer: string) => (test: Test) => test.auth(bearer, { type: 'bearer' });
const bob = as(testKey('bob'));
const aliceReader = as(testKey('alice-reader'));
const admin = as(testKey('admin'));

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  signingKey = pair.privateKey;
  attackerKey = (await generateKeyPair('RS256')).privateKey;
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: KEY_ID, alg: 'RS256', use: 'sig' };
  jwks = createServer((request, response) => {
    if (request.url !== '/jwks.json') return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  jwt = {
    jwksUrl: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`,
    issuer: ISSUER,
    audience: AUDIENCE,
    ownerClaim: 'sub',
  };
  api = await createApiHarness();
  const keys = keyAuth(
    ['alice', 'alice', READ_WRITE],
    ['bob', 'bob', READ_WRITE],
    ['alice-reader', 'alice', ['runs:read']],
    ['admin', 'ops', ['admin']],
  );
  ({ http } = await api.createApp({ auth: { ...keys.auth, jwt } }));
});
// The JWKS server listens before the harness exists: it is closed even when the harness never started.
afterAll(async () => {
  try {
    await api.stop();
  } finally {
    await new Promise((resolve) => jwks.close(resolve));
  }
});

/** A 401 as RFC 6750 says: an ErrorResponse, and a Bearer challenge with the error given. */
async function expectUnauthorized(test: Test, msg: string | RegExp, error?: string): Promise<void> {
  const response = await test.expect(401);
  expectSchema('ErrorResponse', response.body);
  expect(response.body).toEqual({ msg: expect.stringMatching(msg), status_code: 401 });
  const challenge = response.headers['www-authenticate'];
  expect(challenge).toMatch(/^Bearer realm="durable-wes"/);
  if (error) expect(challenge).toContain(`error="${error}"`);
  else expect(challenge).not.toContain('error=');
}

describe('credentials that are refused: 401', () => {
  test('no token', async () => {
    await expectUnauthorized(http.get(`${API}/runs`), /^a bearer token is required$/);
  });

  test('an unknown API key', async () => {
    await expectUnauthorized(as('mallory-key-that-nobody-issued')(http.get(`${API}/runs`)), /^unknown bearer token$/, 'invalid_token');
  });

  test.each([['Basic YWxpY2U6c2VjcmV0'], ['Bearer'], [`Bearer ${testKey('alice')} extra`]])(
    'a malformed Authorization header: %s',
    async (header) => {
      await expectUnauthorized(http.get(`${API}/runs`).set('Authorization', header), /not "Bearer <token>"/, 'invalid_request');
    },
  );

  test('a JWT without an expiry: it would be good for ever', async () => {
    const forever = await token({ sub: 'carol', scope: 'runs:read' }, { expiresIn: null });
    await expectUnauthorized(as(forever)(http.get(`${API}/runs`)), /has no exp claim/, 'invalid_token');
  });

  test('an expired JWT', async () => {
    const expired = await token({ sub: 'carol', scope: 'runs:read' }, { expiresIn: Math.floor(Date.now() / 1000) - 60 });
    await expectUnauthorized(as(expired)(http.get(`${API}/runs`)), /has expired/, 'invalid_token');
  });

  test('a JWT signed by another key', async () => {
    const forged = await token({ sub: 'carol', scope: 'runs:read' }, { key: attackerKey });
    await expectUnauthorized(as(forged)(http.get(`${API}/runs`)), /signature does not verify/, 'invalid_token');
  });

  test('a JWT of another issuer', async () => {
    const foreign = await token({ sub: 'carol', scope: 'runs:read' }, { issuer: 'https://elsewhere.test/' });
    await expectUnauthorized(as(foreign)(http.get(`${API}/runs`)), /iss claim/, 'invalid_token');
  });

  test('a JWT for another audience', async () => {
    const other = await token({ sub: 'carol', scope: 'runs:read' }, { audience: 'another-service' });
    await expectUnauthorized(as(other)(http.get(`${API}/runs`)), /aud claim/, 'invalid_token');
  });

  test('a JWT without the owner claim', async () => {
    await expectUnauthorized(as(await token({ scope: 'runs:read' }))(http.get(`${API}/runs`)), /no sub claim/, 'invalid_token');
  });

  test('no token on POST /runs: 401 before anything is received', async () => {
    const fields = fieldParts({ workflow_type: 'SIMULATED', workflow_type_version: '1', workflow_url: 'simulated:' });
    await postMultipart(http, [...fields, { name: 'workflow_attachment', value: 'x', filename: 'x.txt' }]).expect(401);
    expect(readdirSync(path.join(api.harness.dataDir, 'uploads'))).toEqual([]);
  });
});

describe('scopes: 403 naming the scope', () => {
  test('a valid JWT without the scope the route needs', async () => {
    const noScope = as(await token({ sub: 'carol', scope: 'openid profile' }));
    const response = await noScope(http.get(`${API}/runs`)).expect(403);
    expect(response.body).toEqual({ msg: 'this needs the scope runs:read, which the token does not carry', status_code: 403 });
    expect(response.headers['www-authenticate']).toBe('Bearer realm="durable-wes", error="insufficient_scope", scope="runs:read"');
  });

  test('a runs:read JWT reads but cannot submit', async () => {
    const reader = await token({ sub: 'carol', scope: 'openid runs:read' });
    await as(reader)(http.get(`${API}/runs`)).expect(200);
    const response = await postRun(http, simulatedRun(), { bearer: reader }).expect(403);
    expect(response.body.msg).toBe('this needs the scope runs:write, which the token does not carry');
  });

  test('a runs:read key can neither submit nor cancel, but reads its owner’s runs', async () => {
    const runId = await submitRun(http, simulatedRun(), { bearer: testKey('alice') });
    await postRun(http, simulatedRun(), { bearer: testKey('alice-reader') }).expect(403);
    await aliceReader(http.post(`${API}/runs/${runId}/cancel`)).expect(403);
    await aliceReader(http.delete(`${API}/runs/${runId}`)).expect(403);
    await aliceReader(http.get(`${API}/runs/${runId}`)).expect(200);
  });

  test('scopes of a JWT as an scp array; its sub is the owner of what it submits', async () => {
    const writer = await token({ sub: 'dave', scp: ['runs:read', 'runs:write'] });
    const runId = await submitRun(http, simulatedRun(), { bearer: writer });
    expect((await api.harness.runStore.get(runId))?.owner).toBe('dave');
    await as(writer)(http.get(`${API}/runs/${runId}`)).expect(200);
    await bob(http.get(`${API}/runs/${runId}`)).expect(404);
  });
});

describe('owners and admin', () => {
  let aliceRun: string;
  let bobRun: string;
  beforeAll(async () => {
    aliceRun = await submitRun(http, simulatedRun({ duration_ms: 60_000 }), { bearer: testKey('alice') });
    bobRun = await submitRun(http, simulatedRun(), { bearer: testKey('bob') });
    await waitForState(api.http, bobRun);
  });

  test("another owner's run is a 404 on every run endpoint, and absent from lists", async () => {
    const paths = ['', '/status', '/tasks', '/tasks/step', '/transitions', '/logs/stdout', '/logs/stderr'];
    for (const suffix of paths) {
      const response = await bob(http.get(`${API}/runs/${aliceRun}${suffix}`));
      expect({ suffix, status: response.status, body: response.body }).toEqual({
        suffix,
        status: 404,
        body: { msg: `run ${aliceRun} not found`, status_code: 404 },
      });
    }
    await bob(http.post(`${API}/runs/${aliceRun}/cancel`)).expect(404);
    await bob(http.post(`${API}/runs/${aliceRun}/resume`).send({})).expect(404);
    await bob(http.delete(`${API}/runs/${aliceRun}`)).expect(404);
    const listed = await bob(http.get(`${API}/runs?page_size=1000`)).expect(200);
    const ids = listed.body.runs.map((run: { run_id: string }) => run.run_id);
    expect(ids).toContain(bobRun);
    expect(ids).not.toContain(aliceRun);
  });

  test('admin sees every run, and cancels another owner’s', async () => {
    const listed = await admin(http.get(`${API}/runs?page_size=1000`)).expect(200);
    expect(listed.body.runs.map((run: { run_id: string }) => run.run_id)).toEqual(expect.arrayContaining([aliceRun, bobRun]));
    for (const suffix of ['', '/status', '/tasks', '/transitions', '/logs/stdout'])
      await admin(http.get(`${API}/runs/${bobRun}${suffix}`)).expect(200);
    await admin(http.post(`${API}/runs/${aliceRun}/cancel`)).expect(200);
    expect(await waitForState(api.http, aliceRun)).toBe('CANCELED');
    // The run stays alice's.
    expect((await api.harness.runStore.get(aliceRun))?.owner).toBe('alice');
  });

  test('admin resumes another owner’s run', async () => {
    const runId = await submitRun(http, simulatedRun({ duration_ms: 0 }, { require_approval: true }), { bearer: testKey('alice') });
    await waitForState(api.http, runId, (state) => state === 'PAUSED');
    await bob(http.post(`${API}/runs/${runId}/resume`).send({})).expect(404);
    await admin(http.post(`${API}/runs/${runId}/resume`).send({ approved_by: 'ops' })).expect(200);
    expect(await waitForState(api.http, runId)).toBe('COMPLETE');
  });
});

describe('public routes', () => {
  test('service-info, the task schema and the API document need no token, and ignore a bad one', async () => {
    for (const route of [`${API}/service-info`, `${API}/task-schema`, '/docs-json']) {
      await http.get(route).expect(200);
      await as('not-a-key')(http.get(route)).expect(200);
    }
    const info = await http.get(`${API}/service-info`).expect(200);
    expect(info.body.tags.auth).toBe('bearer');
    expect(info.body.auth_instructions_url).toMatch(/\/docs$/);
  });

  test('service-info names the operator’s instructions when configured', async () => {
    const { http: other } = await api.createApp({
      auth: { off: false, apiKeys: [], jwt, instructionsUrl: 'https://wiki.test/wes-tokens' },
    });
    expect((await other.get(`${API}/service-info`).expect(200)).body.auth_instructions_url).toBe('https://wiki.test/wes-tokens');
  });

  test('every route says who may call it: public, or the scope it needs', () => {
    const reflector = new Reflector();
    const undeclared: string[] = [];
    for (const module of api.app.get(ModulesContainer).values()) {
      for (const { metatype } of module.controllers.values()) {
        const controller = metatype as new (...args: never[]) => object;
        for (const name of Object.getOwnPropertyNames(controller.prototype)) {
          const handler = controller.prototype[name as keyof object] as unknown as () => void;
          if (name === 'constructor' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
          const context = { getHandler: () => handler, getClass: () => controller } as unknown as ExecutionContext;
          if (!isPublic(reflector, context) && requiredScope(reflector, context) === undefined)
            undeclared.push(`${controller.name}.${name}`);
        }
      }
    }
    expect(undeclared).toEqual([]);
  });
});

test('an identity provider that cannot be reached: 503, not 401', async () => {
  const { http: other } = await api.createApp({
    auth: { off: false, apiKeys: [], jwt: { ...jwt, jwksUrl: `http://127.0.0.1:${await freePort()}/jwks.json` } },
  });
  const response = await as(await token({ sub: 'carol', scope: 'runs:read' }))(other.get(`${API}/runs`)).expect(503);
  expect(response.body).toEqual({ msg: expect.stringContaining('WES_JWT_JWKS_URL'), status_code: 503 });
});

describe('outside the embedded default, without auth configured, nothing starts', () => {
  /** A process of the product from source, with only these variables besides PATH. */
  const start = (entry: string, env: Record<string, string>) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['-r', 'ts-node/register/transpile-only', entry],
        { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, timeout: 60_000 },
        (error, _stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stderr }),
      );
    });
  const refusal =
    /no authentication is configured.*set WES_API_KEYS .* or WES_JWT_JWKS_URL with WES_JWT_ISSUER and WES_JWT_AUDIENCE; or set WES_AUTH=off/;

  test('the app', async () => {
    await expect(api.createApp({ auth: { off: false, apiKeys: [] } })).rejects.toThrow(refusal);
  });

  test('the API process, with a DATABASE_URL', async () => {
    expect(await start('src/api.ts', { DATABASE_URL: process.env.DATABASE_URL! })).toEqual({
      code: 2,
      stderr: expect.stringMatching(refusal),
    });
  });

  test('the start command, on a host that is not loopback', async () => {
    expect(await start('src/main.ts', { WES_API_HOST: '0.0.0.0', WES_DATA_DIR: api.harness.dataDir })).toEqual({
      code: 1,
      stderr: expect.stringMatching(refusal),
    });
  });
});

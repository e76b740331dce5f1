/**
 * The outputs of a HealthOmics run through the API: listed from S3, each file a redirect to a
 * presigned GetObject URL for the right bucket and key, signed for the provider's region. The real
 * app, worker and Temporal; only AWS is replaced by aws-sdk-client-mock (no AWS account is reachable
 * here). Presigning makes no call, so it runs for real, with static fake credentials.
 */
import { GetRunCommand, OmicsClient, StartRunCommand } from '@aws-sdk/client-omics';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { parseProvidersConfig } from '../../activities/providers/config';
import { API, createApiHarness, expectSchema, waitForState, type ApiHarness } from '../support/api-harness';
import { cwlRun, submitRun } from '../support/submit-run';

const omics = mockClient(OmicsClient);
const s3 = mockClient(S3Client);
const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };

const LISTING = {
  Contents: [
    { Key: 'runs/4242/out/calls/sample.vcf', Size: 1234 },
    { Key: 'runs/4242/out/report.html', Size: 99 },
    // A "folder" made in the S3 console: no file.
    { Key: 'runs/4242/out/calls/' },
  ],
};

let api: ApiHarness;
let outputs: string;
let runId: string;
beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID = ACCESS_KEY;
  process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  omics.on(StartRunCommand).resolves({ id: '4242', status: 'PENDING' });
  omics
    .on(GetRunCommand)
    .resolves({ id: '4242', status: 'COMPLETED', outputUri: 's3://omics-bucket/runs', runOutputUri: 's3://omics-bucket/runs/4242' });
  s3.on(ListObjectsV2Command).resolves(LISTING);
  const providers = {
    default: 'omics',
    providers: {
      omics: {
        kind: 'healthomics',
        region: 'eu-west-1',
        roleArn: 'arn:aws:iam::123456789012:role/omics',
        outputUri: 's3://omics-bucket/runs',
        pollIntervalMs: 100,
      },
    },
  };
  api = await createApiHarness({ providers: parseProvidersConfig(providers, 'the providers of this test') });
  runId = await submitRun(api.http, cwlRun('omics:1234567'));
  expect(await waitForState(api.http, runId)).toBe('COMPLETE');
  outputs = `${API}/runs/${runId}/outputs`;
});
// The mocks and credentials are set before the harness exists: they are restored even when it never started.
afterAll(async () => {
  try {
    await api.stop();
  } finally {
    omics.restore();
    s3.restore();
    process.env.AWS_ACCESS_KEY_ID = saved.id;
    process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
  }
});

test('a file is a 302 to a presigned GetObject URL of its key under the run’s output_uri, in the provider’s region', async () => {
  const response = await api.http.get(`${outputs}/calls/sample%20one.vcf`).expect(302);
  const url = new URL(response.headers.location);
  expect(url.origin).toBe('https://omics-bucket.s3.eu-west-1.amazonaws.com');
  expect(url.pathname).toBe('/runs/4242/out/calls/sample%20one.vcf');
  expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
  expect(url.searchParams.get('X-Amz-Credential')).toMatch(new RegExp(`^${ACCESS_KEY}/\\d{8}/eu-west-1/s3/aws4_request$`));
  expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
  expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  expect(url.searchParams.get('x-id')).toBe('GetObject');
});

test('the list is what S3 has under the run’s output_uri, folders left out, each with the URL that redirects', async () => {
  const { body } = await api.http.get(outputs).expect(200);
  expectSchema('OutputFileList', body);
  expect(body.files.map(({ path, size }: { path: string; size: number }) => ({ path, size }))).toEqual([
    { path: 'calls/sample.vcf', size: 1234 },
    { path: 'report.html', size: 99 },
  ]);
  expect(s3.commandCalls(ListObjectsV2Command).map((call) => call.args[0].input)).toContainEqual(
    expect.objectContaining({ Bucket: 'omics-bucket', Prefix: 'runs/4242/out/' }),
  );
  const redirect = await api.http.get(new URL(body.files[0].url).pathname).expect(302);
  expect(new URL(redirect.headers.location).pathname).toBe('/runs/4242/out/calls/sample.vcf');
});

test('S3 failing to list is a 502 ErrorResponse', async () => {
  s3.on(ListObjectsV2Command).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
  try {
    const { body } = await api.http.get(outputs).expect(502);
    expect(body).toEqual({ msg: expect.stringContaining('Access Denied'), status_code: 502 });
  } finally {
    s3.on(ListObjectsV2Command).resolves(LISTING);
  }
});

test('a path that climbs out of the outputs is a 404, never a URL', async () => {
  const response = await api.http.get(`${outputs}/..%2F..%2Fother-run%2Fout%2Fx`).expect(404);
  expect(response.body.status_code).toBe(404);
  expect(response.headers.location).toBeUndefined();
});

test('RunLog.outputs keep their S3 URIs: they name prefixes, not files', async () => {
  const { body } = await api.http.get(`${API}/runs/${runId}`).expect(200);
  expect(body.outputs).toMatchObject({ output_uri: 's3://omics-bucket/runs/4242/out', healthomics_run_id: '4242' });
});

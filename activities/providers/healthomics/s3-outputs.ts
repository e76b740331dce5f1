/**
 * The outputs of a HealthOmics run: the objects under the run's `output_uri`
 * (`s3://<bucket>/<prefix>/<run id>/out`, from the provider's results). Listed with S3's
 * ListObjectsV2; a file is a redirect to a presigned GetObject URL, so its bytes never pass through
 * this service. Presigning is local (no call to AWS); listing calls S3 with the API's AWS credentials.
 */
import { GetObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { OutputError, type OutputEntry, type OutputSource, type OutputTarget } from '../outputs/output-source';

/** How long a presigned URL lets its holder download the file. */
export const PRESIGNED_URL_SECONDS = 15 * 60;

export class S3Outputs implements OutputSource {
  /** `prefix`: the key prefix of the outputs, without its trailing `/`. */
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly prefix: string,
  ) {}

  /** The outputs of a run whose results name its `output_uri`; undefined when they do not. */
  static of(outputs: Record<string, unknown>, client: S3Client): S3Outputs | undefined {
    const uri = typeof outputs.output_uri === 'string' ? /^s3:\/\/([^/]+)\/(.*?)\/*$/.exec(outputs.output_uri) : null;
    return uri ? new S3Outputs(client, uri[1], uri[2]) : undefined;
  }

  async list(): Promise<OutputEntry[]> {
    const entries: OutputEntry[] = [];
    const start = this.keyOf('');
    try {
      for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: start })) {
        for (const { Key, Size } of page.Contents ?? []) {
          // A key ending in `/` is a console-made "folder", not a file.
          if (Key && !Key.endsWith('/')) entries.push({ path: Key.slice(start.length), ...(Size === undefined ? {} : { size: Size }) });
        }
      }
    } catch (err) {
      throw new OutputError(502, `S3 could not list s3://${this.bucket}/${start}: ${(err as Error).message}`);
    }
    return entries;
  }

  /** A presigned URL for the object, whether or not it exists: S3 answers the client's GET, without a call of ours. */
  async locate(wanted: string): Promise<OutputTarget | undefined> {
    try {
      return {
        kind: 'redirect',
        url: await getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: this.keyOf(wanted) }), {
          expiresIn: PRESIGNED_URL_SECONDS,
        }),
      };
    } catch (err) {
      throw new OutputError(502, `could not presign s3://${this.bucket}/${this.keyOf(wanted)}: ${(err as Error).message}`);
    }
  }

  private keyOf(path: string): string {
    return this.prefix === '' ? path : `${this.prefix}/${path}`;
  }
}

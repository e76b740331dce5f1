import { Injectable } from '@nestjs/common';
import { S3Client } from '@aws-sdk/client-s3';

/** One S3 client per region, made when first needed: AWS credentials come from the API's environment (the SDK's default chain). */
@Injectable()
export class S3Clients {
  private readonly clients = new Map<string, S3Client>();

  forRegion(region: string): S3Client {
    let client = this.clients.get(region);
    if (!client) this.clients.set(region, (client = new S3Client({ region })));
    return client;
  }
}

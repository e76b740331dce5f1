import { Module } from '@nestjs/common';
import { OutputSources } from './output-sources';
import { OutputsController } from './outputs.controller';
import { S3Clients } from './s3-clients';

@Module({ controllers: [OutputsController], providers: [OutputSources, S3Clients], exports: [OutputSources] })
export class OutputsModule {}

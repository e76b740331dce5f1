import { Module } from '@nestjs/common';
import { StreamsModule } from '../streams/streams.module';
import { LogsController } from './logs.controller';

@Module({ imports: [StreamsModule], controllers: [LogsController] })
export class LogsModule {}

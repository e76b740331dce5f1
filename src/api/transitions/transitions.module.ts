import { Module } from '@nestjs/common';
import { StreamsModule } from '../streams/streams.module';
import { TransitionsController } from './transitions.controller';

@Module({ imports: [StreamsModule], controllers: [TransitionsController] })
export class TransitionsModule {}

import { Module } from '@nestjs/common';
import { OpenStreams } from './open-streams';

/** What the modules with live streams (transitions, logs) share: the streams open in this process. */
@Module({ providers: [OpenStreams], exports: [OpenStreams] })
export class StreamsModule {}

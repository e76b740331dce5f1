import { Module } from '@nestjs/common';
import { CodecController } from './codec.controller';

/** The Temporal Web UI's codec endpoint (docs/deployment.md, "Payload encryption"); its CORS is ./ui-cors.ts, a hook of the app (../app.ts). */
@Module({ controllers: [CodecController] })
export class CodecModule {}

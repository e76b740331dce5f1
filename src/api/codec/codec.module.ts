import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { CodecController } from './codec.controller';
import { CODEC_PATH } from './codec-routes';
import { UiCorsMiddleware } from './ui-cors.middleware';

/** The Temporal Web UI's codec endpoint (docs/deployment.md, "Payload encryption"). */
@Module({ controllers: [CodecController], providers: [UiCorsMiddleware] })
export class CodecModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(UiCorsMiddleware).forRoutes({ path: `${CODEC_PATH}/*path`, method: RequestMethod.ALL });
  }
}

import { Module } from '@nestjs/common';
import { ServiceInfoController } from './service-info.controller';
import { ServiceInfoService } from './service-info.service';

@Module({ controllers: [ServiceInfoController], providers: [ServiceInfoService] })
export class ServiceInfoModule {}

import { Controller, Get, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Public } from '../auth/bearer-auth.guard';
import { requestOrigin } from '../core/base-url';
import { ServiceInfoService, type ServiceInfo } from './service-info.service';

@Controller('service-info')
export class ServiceInfoController {
  constructor(private readonly serviceInfo: ServiceInfoService) {}

  /** Public: it is where a caller learns how to authenticate. */
  @Public()
  @Get()
  get(@Req() request: FastifyRequest): Promise<ServiceInfo> {
    return this.serviceInfo.serviceInfo(requestOrigin(request));
  }
}

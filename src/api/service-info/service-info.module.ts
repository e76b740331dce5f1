import { Module } from '@nestjs/common';
import type { ProviderRegistry } from '../../../activities/provider-registry';
import { PROVIDER_REGISTRY } from '../core/tokens';
import { CAPABILITIES, detectCapabilities } from './capabilities';
import { ServiceInfoController } from './service-info.controller';
import { ServiceInfoService } from './service-info.service';

@Module({
  controllers: [ServiceInfoController],
  providers: [
    { provide: CAPABILITIES, inject: [PROVIDER_REGISTRY], useFactory: (registry: ProviderRegistry) => detectCapabilities(registry) },
    ServiceInfoService,
  ],
})
export class ServiceInfoModule {}

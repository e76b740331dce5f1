import { Global, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { DescriptorRegistry } from '../../../activities/providers/descriptors';
import type { Config } from '../../config/config';
import type { RunStore } from '../../../read-model/run-store';
import type { RequestValidator } from '../validation/request-validator';
import { RunAccess } from './run-access';
import { CONFIG, PROVIDER_REGISTRY, REQUEST_VALIDATOR, RUN_STORE } from './tokens';

export interface CoreDependencies {
  config: Config;
  runStore: RunStore;
  registry: DescriptorRegistry;
  /** Compiled from the OpenAPI document the app serves. */
  validator: RequestValidator;
  onShutdown?: () => Promise<void>;
}

/** Runs the caller's shutdown hook once the app has stopped taking requests. */
class CallerShutdown implements OnApplicationShutdown {
  constructor(private readonly hook: () => Promise<void>) {}

  async onApplicationShutdown(): Promise<void> {
    await this.hook();
  }
}

/** What every feature module uses: configuration, the read model, the providers, request validation, run visibility. */
@Global()
@Module({})
export class CoreModule {
  static forRoot({ config, runStore, registry, validator, onShutdown }: CoreDependencies): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: RUN_STORE, useValue: runStore },
        { provide: PROVIDER_REGISTRY, useValue: registry },
        { provide: REQUEST_VALIDATOR, useValue: validator },
        RunAccess,
        ...(onShutdown ? [{ provide: CallerShutdown, useValue: new CallerShutdown(onShutdown) }] : []),
      ],
      exports: [CONFIG, RUN_STORE, PROVIDER_REGISTRY, REQUEST_VALIDATOR, RunAccess],
    };
  }
}

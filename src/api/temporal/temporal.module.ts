/**
 * The Temporal connection and client as Nest providers, wired by hand (docs/design.md). The
 * connection is lazy: the API starts, and serves the read model, while Temporal is still down;
 * calls that need Temporal answer 503 until it is up.
 */
import { Global, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import type { Config } from '../../config/config';
import { createDataConverter, payloadBlobDir } from '../../payloads/data-converter';
import { temporalConnectionOptions } from '../../temporal/temporal-connection';
import { CONFIG } from '../core/tokens';
import { RunWorkflows } from './run-workflows';
import { WorkflowHistories } from './workflow-histories';

const API_CALL_ATTEMPTS = 6;

@Injectable()
class TemporalConnectionCloser implements OnApplicationShutdown {
  constructor(private readonly connection: Connection) {}

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: Connection,
      inject: [CONFIG],
      useFactory: (config: Config) =>
        Connection.lazy({
          ...temporalConnectionOptions(config),
          // The SDK's default retries a call for ~20 s; an API caller would rather have a 503 it
          // can retry after ~2 s.
          interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: API_CALL_ATTEMPTS }))],
        }),
    },
    {
      provide: Client,
      inject: [Connection, CONFIG],
      useFactory: (connection: Connection, config: Config) =>
        new Client({
          connection,
          namespace: config.temporalNamespace,
          dataConverter: createDataConverter(payloadBlobDir(config.dataDir), { keys: config.payloadKeys }),
        }),
    },
    TemporalConnectionCloser,
    RunWorkflows,
    WorkflowHistories,
  ],
  exports: [RunWorkflows, WorkflowHistories, Connection, Client],
})
export class TemporalModule {}

/** The app's task reader (src/task-definitions/task-reader.ts): its threads end with the app; a full queue is a 503. */
import { Injectable, ServiceUnavailableException, type OnApplicationShutdown } from '@nestjs/common';
import type { WaitForInputStep } from '../../../domain/task-definition';
import type { ReadTask } from '../../task-definitions/reader-jobs';
import { ReaderBusyError, TaskReader } from '../../task-definitions/task-reader';

@Injectable()
export class TaskReading implements OnApplicationShutdown {
  private readonly reader = new TaskReader();

  readTask(text: string, source: string, workflowParams: Record<string, unknown>): Promise<ReadTask> {
    return busyAs503(this.reader.readTask(text, source, workflowParams));
  }

  gateInputProblem(gate: WaitForInputStep, input: unknown): Promise<string | undefined> {
    return busyAs503(this.reader.gateInputProblem(gate, input));
  }

  onApplicationShutdown(): Promise<void> {
    return this.reader.close();
  }
}

function busyAs503<T>(work: Promise<T>): Promise<T> {
  return work.catch((error: unknown) => {
    throw error instanceof ReaderBusyError ? new ServiceUnavailableException(error.message) : error;
  });
}

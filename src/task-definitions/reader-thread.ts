/** A thread of the task reader (./task-reader.ts): one job at a time, answered in order. */
import { parentPort } from 'node:worker_threads';
import { runJob, type ReaderJob } from './reader-jobs';

const port = parentPort;
if (!port) throw new Error('reader-thread.ts runs as a worker thread, which ./task-reader.ts starts');
port.on('message', (job: ReaderJob) => port.postMessage(runJob(job)));
// Loaded: the time limit of a job starts once the thread can take it.
port.postMessage('ready');

/**
 * The one stop routine of the start command's services, the embedded PostgreSQL and the loopback
 * cluster's daemons: its signal first, SIGKILL only for a process still alive past the timeout.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Exit } from '../src/processes/service';
import { isAlive, polledExit, stopProcess } from '../src/processes/stop-process';

function child(script: string) {
  const started = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<Exit>((resolve) => started.once('exit', (code, signal) => resolve({ code, signal })));
  return { pid: started.pid!, exited, listening: once(started.stdout, 'data') };
}

test('a process that stops on its signal is not killed', async () => {
  const { pid, exited, listening } = child("console.log('up'); setInterval(() => {}, 1000)");
  await listening;
  expect(await stopProcess(pid, exited, { timeoutMs: 10_000 })).toBe(false);
  expect(await exited).toEqual({ code: null, signal: 'SIGTERM' });
});

test('a process that ignores its signal gets SIGKILL once the timeout has passed', async () => {
  const { pid, exited, listening } = child("process.on('SIGINT', () => {}); console.log('up'); setInterval(() => {}, 1000)");
  await listening;
  const startedAt = Date.now();
  expect(await stopProcess(pid, exited, { signal: 'SIGINT', timeoutMs: 500 })).toBe(true);
  expect(await exited).toEqual({ code: null, signal: 'SIGKILL' });
  expect(Date.now() - startedAt).toBeGreaterThanOrEqual(500);
});

test('a process already gone is not signalled, and its end is seen by polling', async () => {
  const { pid, exited } = child('');
  await exited;
  expect(isAlive(pid)).toBe(false);
  expect(
    await stopProcess(
      pid,
      polledExit(() => isAlive(pid)),
      { timeoutMs: 10 },
    ),
  ).toBe(false);
});

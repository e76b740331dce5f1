/**
 * One service kept running: restarted with backoff whenever it exits, until `stop()`.
 * Only its first start may fail for good: a product that never came up is misconfigured, while
 * one that was up and crashed is worth retrying for as long as it takes.
 */
import { Backoff } from './backoff';
import { describeExit, type Instance, type Service } from '../processes/service';

export class Supervised {
  private current?: Instance;
  private stopping = false;
  /** Everything after the first start, which `stop()` waits for: restarts included. */
  private lifecycle: Promise<void> = Promise.resolve();
  private cancelBackoff?: () => void;
  private readonly backoff = new Backoff();

  constructor(private readonly service: Service) {}

  /** Resolves once the service is ready, and from then on keeps it running. */
  start(): Promise<void> {
    const first = this.launch();
    this.lifecycle = first.then(
      (instance) => {
        console.log(`${this.service.name} started (pid ${instance.pid})`);
        return this.supervise(instance);
      },
      () => undefined,
    );
    return first.then(
      () => undefined,
      (err: unknown) => {
        throw new Error(`${this.service.name} did not start: ${(err as Error).message}`);
      },
    );
  }

  /** Read through a call: stop() may set it across any await, which TypeScript's narrowing does not see. */
  private stopRequested(): boolean {
    return this.stopping;
  }

  /** No more restarts; stops the running instance, or the one starting, and waits for it. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.cancelBackoff?.();
    await this.current?.stop();
    await this.lifecycle;
  }

  private async launch(): Promise<Instance> {
    const instance = await this.service.start();
    this.current = instance;
    // A stop() that came while it was starting found only the one before to stop.
    if (this.stopRequested()) await instance.stop();
    try {
      await instance.ready;
    } catch (err) {
      await instance.stop();
      throw err;
    }
    if (this.stopRequested()) throw new Error(`${this.service.name} was stopped while starting`);
    return instance;
  }

  private async supervise(instance: Instance): Promise<void> {
    for (;;) {
      const upSince = Date.now();
      const exit = await instance.exited;
      if (this.stopRequested()) return;
      let delayMs = this.backoff.next(Date.now() - upSince);
      console.log(`${this.service.name} exited (${describeExit(exit)}); restarting in ${seconds(delayMs)}`);
      for (;;) {
        await this.sleep(delayMs);
        if (this.stopRequested()) return;
        try {
          instance = await this.launch();
          break;
        } catch (err) {
          if (this.stopRequested()) return;
          delayMs = this.backoff.next(0);
          console.log(`${this.service.name} did not restart: ${(err as Error).message}; retrying in ${seconds(delayMs)}`);
        }
      }
      console.log(`${this.service.name} restarted (pid ${instance.pid})`);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.cancelBackoff = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

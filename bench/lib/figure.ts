/** What a figure is given and what it returns; run-all adds when, where, on what code and how long. */
import type { Client } from '@temporalio/client';
import type { Floor } from '../floor/floor';
import type { ChartSpec } from './chart';
import type { Product } from './product';
import type { FigureResult } from './report';
import type { WesClient } from './wes-client';

export interface BenchContext {
  product: Product;
  wes: WesClient;
  temporal: Client;
  /** A fresh floor worker on the product's Temporal server; the figure stops it. */
  startFloor(): Promise<Floor>;
  /**
   * `--quick`: small sizes, to check that a figure runs end to end; its numbers are not results,
   * and go to .cache/bench-quick/ instead of bench/results/ and docs/.
   */
  quick: boolean;
  /** Draws a chart where the figure's results go; returns its path as the result lists it. */
  chart(file: string, spec: ChartSpec): Promise<string>;
}

export type FigureOutcome = Pick<FigureResult, 'measures' | 'failures' | 'details' | 'charts'>;

export interface Figure {
  name: string;
  title: string;
  run(context: BenchContext): Promise<FigureOutcome>;
}

/**
 * A figure gives up after this many failed samples: past a few, the product is broken rather than
 * noisy, and each further sample would only wait out its own timeout.
 */
const MAX_FAILURES = 5;

export class Failures {
  readonly all: string[] = [];

  add(message: string): void {
    this.all.push(message);
    if (this.all.length >= MAX_FAILURES) throw new Error(`gave up after ${MAX_FAILURES} failed samples:\n  ${this.all.join('\n  ')}`);
  }
}

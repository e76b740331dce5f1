/**
 * The live line of `submit --wait`: the run's state and how long it has been going, on stderr
 * (ora's spinner on a terminal, a line per change elsewhere), with the engine's output printed
 * above it as it comes, in whole lines so that the spinner never cuts one.
 */
import ora, { type Ora } from 'ora';
import { isTerminalWesState } from '../../domain/wes-state';

export class StateLine {
  private readonly spinner: Ora;
  private readonly started = Date.now();
  private state = '';
  private readonly partial = new Map<string, string>();
  private readonly ticker: NodeJS.Timeout;

  constructor(private readonly runId: string) {
    this.spinner = ora({ stream: process.stderr });
    // The elapsed time moves even while the state does not.
    this.ticker = setInterval(() => this.spinner.isSpinning && (this.spinner.text = this.text()), 1_000);
  }

  update(state: string): void {
    // The end is finish()'s to show, with its mark.
    if (state === this.state || isTerminalWesState(state)) return;
    this.state = state;
    if (this.spinner.isSpinning) this.spinner.text = this.text();
    // Off a terminal, ora prints a line for each start: one per state.
    else this.spinner.start(this.text());
  }

  /** Text from one of the engine's streams; an unfinished last line waits for the rest. */
  output(stream: string, text: string): void {
    const lines = `${this.partial.get(stream) ?? ''}${text}`.split('\n');
    this.partial.set(stream, lines.pop() ?? '');
    if (lines.length > 0) this.print(lines.map((line) => `${line}\n`).join(''));
  }

  /** Whole lines of the CLI's own (what a PAUSED run waits for), above the state line. */
  note(text: string): void {
    this.print(text);
  }

  /** The last state, persisted with a mark of how it ended. */
  finish(state: string, succeeded: boolean): void {
    clearInterval(this.ticker);
    for (const rest of this.partial.values()) if (rest !== '') this.print(`${rest}\n`);
    this.partial.clear();
    this.state = state;
    if (succeeded) this.spinner.succeed(this.text());
    else this.spinner.fail(this.text());
  }

  stop(): void {
    clearInterval(this.ticker);
    this.spinner.stop();
  }

  private print(text: string): void {
    const spinning = this.spinner.isSpinning;
    if (spinning) this.spinner.clear();
    process.stderr.write(text);
    if (spinning) this.spinner.render();
  }

  private text(): string {
    return `${this.runId} ${this.state} (${Math.round((Date.now() - this.started) / 1000)} s)`;
  }
}

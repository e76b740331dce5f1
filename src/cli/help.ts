/** The parts of the help that commander does not make: examples, and the exit codes (exit-codes.ts). */
import type { Command } from 'commander';
import { EXIT_CODES } from './exit-codes';

/** Adds `Examples:` to a command's help: each a command line, with what it does after `#`. */
export function withExamples(command: Command, examples: string[]): Command {
  return command.addHelpText('after', `\nExamples:\n${examples.map((example) => `  $ durable-wes ${example}`).join('\n')}`);
}

/** The root help's table of exit codes; README's table says the same (test/cli-scripts.test.ts checks it). */
export function exitCodesHelp(): string {
  return `\nExit codes:\n${EXIT_CODES.map(([code, meaning]) => `  ${code}  ${meaning}`).join('\n')}`;
}

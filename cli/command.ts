import type { Io } from './io.ts';
import type { ExitCode } from './exit.ts';

/**
 * One subcommand: a file under cli/commands/ exporting a Command, listed once in
 * cli/commands/index.ts. `run` receives the arguments after the command's name.
 */
export interface Command {
  readonly name: string;
  /** One line for the top-level help. */
  readonly summary: string;
  /** The command's full help text, with examples. */
  readonly help: string;
  run(argv: readonly string[], io: Io): Promise<ExitCode>;
}

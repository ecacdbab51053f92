import { parseArgs, type FlagSpecs, type FlagValues } from './args.ts';
import { EXIT, type ExitCode } from './exit.ts';
import type { Io } from './io.ts';

/**
 * Prints a usage error the same way for every command and returns exit status 2:
 * `maec probe: missing <run>` and where to find the command's help.
 */
export function usageError(io: Io, command: string, message: string): ExitCode {
  io.err(`maec ${command}: ${message}\nrun 'maec ${command} --help' for usage\n`);
  return EXIT.usage;
}

export interface CommandArgs<F extends FlagSpecs> {
  readonly positionals: readonly string[];
  readonly flags: FlagValues<F>;
}

/**
 * The start of every command: parse the flags it declares, print its help for -h/--help. Returns
 * the arguments, or the exit status when the command is already done (help shown, or a usage
 * error printed).
 *
 * Example: `const args = commandArgs(argv, FLAGS, io, probeCommand); if (typeof args === 'number') return args;`
 */
export function commandArgs<F extends FlagSpecs>(argv: readonly string[], specs: F, io: Io, command: { readonly name: string; readonly help: string }): CommandArgs<F> | ExitCode {
  const parsed = parseArgs(argv, specs);
  if (!parsed.ok) return usageError(io, command.name, parsed.error);
  if (parsed.help) {
    io.out(command.help);
    return EXIT.ok;
  }
  return { positionals: parsed.positionals, flags: parsed.flags };
}

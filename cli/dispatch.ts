import { TargetError } from '../runtime/tfjs/target-error.ts';
import type { Command } from './command.ts';
import { describeFsError, isFsError } from '../runtime/io/index.ts';
import { EXIT, type ExitCode } from './exit.ts';
import type { Io } from './io.ts';

/** The top-level help: usage and one line per command of the table. */
export function topHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'maec: masked autoencoders as typed data',
    '',
    'usage: maec <command> [arguments] [flags]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'examples:',
    '  maec compile models/mae-vit-b16.ts',
    '  maec pretrain models/mnist-quick.ts --epochs 8 --batch 32 --blr 1e-2 --out runs/quick',
    '  maec reconstruct runs/quick my-digit.png',
    '  maec probe runs/quick --data mnist',
    '  maec sweep models/ablations/mask-ratio.ts --data fashion-mnist --budget tiny --workers 2',
    '',
    "Run 'maec <command> --help' for a command's flags.",
    '',
  ].join('\n');
}

/**
 * Runs the command named by argv[0] from the table. No command, or `--help`, prints the
 * top-level help; an unknown command is a usage error (exit 2); a TargetError (a backend that
 * cannot run here or cannot run this command) exits 1 with its message; any other exception a
 * command did not turn into a message exits 1 with its stack.
 *
 * Example: `dispatch(['compile', 'models/mae-vit-b16.ts'], COMMANDS, io)`.
 */
export async function dispatch(argv: readonly string[], commands: readonly Command[], io: Io): Promise<ExitCode> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.err : io.out)(topHelp(commands));
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`maec: unknown command ${name}; commands: ${commands.map((c) => c.name).join(', ')}\n`);
    return EXIT.usage;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    // A full or read-only disk is the user's to fix: say which file, without a stack.
    if (isFsError(e)) {
      io.err(`maec ${name}: ${describeFsError(e)}\n`);
      return EXIT.modelError;
    }
    if (e instanceof TargetError) {
      io.err(`maec ${name}: ${e.message}\n`);
      return EXIT.modelError;
    }
    // Commands report what the user can fix themselves; anything else is a bug, shown with its stack.
    io.err(`maec ${name}: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT.modelError;
  }
}

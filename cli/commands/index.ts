import type { Command } from '../command.ts';
import { compileCommand } from './compile.ts';
import { forwardCommand } from './forward.ts';

/**
 * Every subcommand, in the order the help lists them. A new command is one file under
 * cli/commands/ and one entry here.
 */
export const COMMANDS: readonly Command[] = Object.freeze([compileCommand, forwardCommand]);

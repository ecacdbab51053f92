/**
 * The `maec` executable's entry (bin/maec.js registers tsx and imports this file): runs the
 * command line against the command table and exits with the command's status.
 */
import { COMMANDS } from './commands/index.ts';
import { dispatch } from './dispatch.ts';
import { processIo } from './io.ts';

process.exitCode = await dispatch(process.argv.slice(2), COMMANDS, processIo());

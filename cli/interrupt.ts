/**
 * Ctrl-C for long training commands: the first SIGINT asks the run to stop after the current
 * step with a checkpoint (the loop polls `requested()`); a second one quits at once without
 * saving. `dispose()` removes the handler.
 */
import { EXIT } from './exit.ts';
import type { Io } from './io.ts';

export interface InterruptWatch {
  /** True once Ctrl-C was pressed. */
  readonly requested: () => boolean;
  readonly dispose: () => void;
}

export function watchInterrupt(io: Io, command: string): InterruptWatch {
  let requested = false;
  const onSigint = () => {
    if (requested) process.exit(EXIT.interrupted);
    requested = true;
    io.err(`\nmaec ${command}: interrupted; saving a checkpoint after this step (Ctrl-C again to quit without saving)\n`);
  };
  process.on('SIGINT', onSigint);
  return { requested: () => requested, dispose: () => process.off('SIGINT', onSigint) };
}

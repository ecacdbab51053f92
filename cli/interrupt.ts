/**
 * Ctrl-C (SIGINT) and SIGTERM for long commands: the first asks the command to stop at the
 * next safe point (a training loop polls `requested()` after each step and saves a
 * checkpoint); a second quits at once. `dispose()` removes the handlers.
 */
import { EXIT } from './exit.ts';
import type { Io } from './io.ts';

export interface InterruptWatch {
  /** True once the first signal came. */
  readonly requested: () => boolean;
  readonly dispose: () => void;
}

export interface InterruptOptions {
  /** What the first signal prints after `maec <command>: interrupted; `. */
  readonly message?: string;
  /** Called once, on the first signal. */
  readonly onRequest?: () => void;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export function watchInterrupt(io: Io, command: string, o: InterruptOptions = {}): InterruptWatch {
  let requested = false;
  const onSignal = () => {
    if (requested) process.exit(EXIT.interrupted);
    requested = true;
    io.err(`\nmaec ${command}: interrupted; ${o.message ?? 'saving a checkpoint after this step (Ctrl-C again to quit without saving)'}\n`);
    o.onRequest?.();
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  return { requested: () => requested, dispose: () => SIGNALS.forEach((s) => process.off(s, onSignal)) };
}

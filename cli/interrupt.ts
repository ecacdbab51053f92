/**
 * Ctrl-C (SIGINT) and SIGTERM for long commands: the first asks the command to stop at the
 * next safe point (a training loop polls `requested()` after each step and saves a
 * checkpoint); a second quits at once. `dispose()` removes the handlers.
 *
 * A stage that a sweep started (environment MAEC_PARENT_PID, set by sweep/child.ts) also stops
 * this way when that sweep is gone (killed, even with SIGKILL): it must not train on unowned.
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
/** How often a sweep's stage checks that its sweep is still there. */
const ORPHAN_POLL_MS = 500;

export function watchInterrupt(io: Io, command: string, o: InterruptOptions = {}): InterruptWatch {
  let requested = false;
  const onSignal = () => {
    if (requested) process.exit(EXIT.interrupted);
    requested = true;
    io.err(`\nmaec ${command}: interrupted; ${o.message ?? 'saving a checkpoint after this step (Ctrl-C again to quit without saving)'}\n`);
    o.onRequest?.();
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  const parent = Number(process.env['MAEC_PARENT_PID']);
  const orphanWatch =
    Number.isInteger(parent) && parent > 0
      ? setInterval(() => {
          if (process.ppid === parent || requested) return;
          requested = true;
          io.err(`\nmaec ${command}: the sweep or worker that started this stage (process ${parent}) is gone; saving a checkpoint and stopping\n`);
          o.onRequest?.();
        }, ORPHAN_POLL_MS).unref()
      : undefined;
  return {
    requested: () => requested,
    dispose: () => {
      SIGNALS.forEach((s) => process.off(s, onSignal));
      if (orphanWatch) clearInterval(orphanWatch);
    },
  };
}

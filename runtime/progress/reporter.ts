/**
 * Where progress goes: on a terminal one line redrawn in place with a bar; otherwise (pipes, CI,
 * log files) a plain line at most every `intervalSeconds`, and always for the last step.
 */
import { bar, statusLine, type ProgressState } from './format.ts';

export interface Reporter {
  update(p: ProgressState): void;
  /** A message on its own line (ends the in-place line first). */
  note(text: string): void;
}

export interface ReporterOptions {
  readonly write: (text: string) => void;
  readonly tty: boolean;
  readonly intervalSeconds?: number;
  /** Clock in seconds (tests pass their own). */
  readonly now?: () => number;
}

export function createReporter(o: ReporterOptions): Reporter {
  const now = o.now ?? (() => performance.now() / 1000);
  const interval = o.intervalSeconds ?? (o.tty ? 0.2 : 10);
  let lastShown = -Infinity;
  let open = false;
  return {
    update(p) {
      const t = now();
      const final = p.step >= p.totalSteps;
      if (!final && p.step > 1 && t - lastShown < interval) return;
      lastShown = t;
      if (o.tty) {
        o.write(`\r\x1b[2K${bar(p.step / p.totalSteps)} ${statusLine(p)}`);
        open = true;
      } else o.write(`${statusLine(p)}\n`);
    },
    note(text) {
      if (open) o.write('\n');
      open = false;
      o.write(`${text}\n`);
    },
  };
}

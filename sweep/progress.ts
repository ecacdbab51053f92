/**
 * One progress view for a whole sweep: variants done, running (with their stage), failed and
 * an ETA from the mean time of the variants finished in this invocation. On a terminal one
 * line redrawn in place with a bar; elsewhere a line per change.
 */
import { bar, formatDuration } from '../runtime/progress/index.ts';

export interface SweepCounts {
  readonly total: number;
  readonly done: number;
  readonly failed: number;
  /** Variant name -> its current stage. */
  readonly running: ReadonlyMap<string, string>;
  /** Seconds each variant that ran to completion here took. */
  readonly durations: readonly number[];
  readonly workers: number;
}

/** Seconds left: the mean variant time times the waves of variants still to run. */
export function sweepEta(c: SweepCounts): number {
  const left = c.total - c.done - c.failed;
  if (left === 0) return 0;
  if (c.durations.length === 0) return Number.NaN;
  const mean = c.durations.reduce((a, b) => a + b, 0) / c.durations.length;
  return (mean * left) / Math.max(1, Math.min(c.workers, left));
}

/** "3/8 done, 2 running, 1 failed, ETA 4m10s | mask=0.5: probe, mask=0.6: pretrain". */
export function sweepLine(c: SweepCounts): string {
  const running = [...c.running].map(([name, stage]) => `${name}: ${stage}`).join(', ');
  return `${c.done}/${c.total} done, ${c.running.size} running, ${c.failed} failed, ETA ${formatDuration(sweepEta(c))}${running ? ` | ${running}` : ''}`;
}

export interface SweepView {
  show(c: SweepCounts): void;
  /** A message on its own line. */
  note(text: string): void;
}

export function createSweepView(write: (text: string) => void, tty: boolean): SweepView {
  let open = false;
  let last = '';
  return {
    show(c) {
      const line = sweepLine(c);
      if (tty) {
        write(`\r\x1b[2K${bar((c.done + c.failed) / Math.max(1, c.total))} ${line}`);
        open = true;
      } else if (line !== last) write(`${line}\n`);
      last = line;
    },
    note(text) {
      if (open) write('\n');
      open = false;
      write(`${text}\n`);
    },
  };
}

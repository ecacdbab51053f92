import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../io/index.ts';

/** A run's metrics.jsonl: one JSON object per line. */
export interface MetricsLog {
  write(record: Readonly<Record<string, unknown>>): void;
  /**
   * Keeps the records whose `step` is at most `step` (records without one are dropped), so a
   * resumed run does not list the steps after its checkpoint twice; `cut(0)` empties the log.
   * A torn last line (killed mid-append) goes too.
   */
  cut(step: number): Promise<void>;
}

export function metricsLog(path: string): MetricsLog {
  return {
    write: (record) => appendFileSync(path, `${JSON.stringify(record)}\n`),
    async cut(step) {
      const kept = existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((line) => stepOf(line) <= step) : [];
      await writeFileAtomic(path, kept.map((line) => `${line}\n`).join(''));
    },
  };
}

/** The line's `step`, or Infinity for a blank, torn or step-less line. */
function stepOf(line: string): number {
  try {
    const step = (JSON.parse(line) as { step?: unknown }).step;
    return typeof step === 'number' ? step : Infinity;
  } catch {
    return Infinity;
  }
}

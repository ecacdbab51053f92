/** The metrics.jsonl of a fine-tuning or probe run, written through runtime/io/jsonl.ts. */
import { appendRecord, cutRecords } from '../io/jsonl.ts';

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
  return { write: (record) => appendRecord(path, record), cut: (step) => cutRecords(path, step) };
}

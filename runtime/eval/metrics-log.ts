import { appendFileSync } from 'node:fs';

/** Appends one JSON object per line to a run's metrics.jsonl. */
export function metricsLog(path: string): (record: Readonly<Record<string, unknown>>) => void {
  return (record) => appendFileSync(path, `${JSON.stringify(record)}\n`);
}

/**
 * A run's metrics.jsonl: one JSON object per line, appended as records are made. A process
 * killed mid-append leaves at most a torn last line; readers stop there. On resume a run cuts
 * the file back (atomically) to its checkpoint's step, so what is redone is not listed twice.
 * Pretraining (runtime/train/metrics.ts), fine-tuning and the probe (runtime/eval/metrics-log.ts)
 * all write through here.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic.ts';

/** Appends one record as a line. */
export function appendRecord(path: string, record: Readonly<Record<string, unknown>>): void {
  appendFileSync(path, `${JSON.stringify(record)}\n`);
}

/** The records of the file, in order, up to a torn line (killed mid-append); none if it is missing. */
export function readRecords(path: string): Record<string, unknown>[] {
  if (!existsSync(path)) return [];
  const out: Record<string, unknown>[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // Only the last line can be torn; anything after it was never written.
      break;
    }
  }
  return out;
}

/**
 * Keeps the records whose `step` is at most `step`; records without a step (and a torn last
 * line) go. `cutRecords(path, 0)` keeps only what was logged before the first step.
 */
export async function cutRecords(path: string, step: number): Promise<void> {
  const kept = readRecords(path).filter((r) => typeof r['step'] === 'number' && r['step'] <= step);
  await writeFileAtomic(path, kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
}

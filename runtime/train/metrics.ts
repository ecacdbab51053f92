/**
 * metrics.jsonl: one JSON object per optimizer step. Lines are appended as steps finish; on
 * resume the file is cut back (atomically) to the checkpoint's step, so the steps redone after
 * a crash are not listed twice.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../io/index.ts';
import type { StepRecord } from './loop.ts';

/** The records of a metrics file; a torn last line (killed mid-append) is ignored. */
export function readMetrics(path: string): StepRecord[] {
  if (!existsSync(path)) return [];
  const out: StepRecord[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as StepRecord);
    } catch {
      // Only the last line can be torn; anything after it was never written.
      break;
    }
  }
  return out;
}

/** Keeps the records up to and including `step`. */
export async function truncateMetrics(path: string, step: number): Promise<void> {
  const kept = readMetrics(path).filter((r) => r.step <= step);
  await writeFileAtomic(path, kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
}

/** Appends one record. */
export function appendMetric(path: string, r: StepRecord): void {
  const line = { step: r.step, epoch: round(r.epoch, 6), loss: r.loss, lr: r.lr, imagesPerSecond: round(r.imagesPerSecond, 1) };
  appendFileSync(path, `${JSON.stringify(line)}\n`);
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

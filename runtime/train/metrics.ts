/**
 * metrics.jsonl: one JSON object per optimizer step, and after each epoch (and before the first
 * step) one `{"kind": "heldout", ...}` record: the held-out masked-patch loss beside the trivial
 * predictor's (runtime/train/heldout.ts). Lines are appended as they are made; on resume the
 * file is cut back (atomically) to the checkpoint's step, so what is redone after a crash is not
 * listed twice.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../io/index.ts';
import type { StepRecord } from './loop.ts';

/** One held-out evaluation: after `step` optimizer steps, at fractional `epoch`. */
export interface HeldOutRecord {
  readonly kind: 'heldout';
  readonly step: number;
  readonly epoch: number;
  /** The model's masked-patch loss on the held-out images. */
  readonly loss: number;
  /** The trivial predictor's loss on the same images and masks. */
  readonly trivial: number;
  readonly images: number;
}

type Line = StepRecord | HeldOutRecord;

/** The step records of a metrics file; a torn last line (killed mid-append) is ignored. */
export function readMetrics(path: string): StepRecord[] {
  return readLines(path).filter((r): r is StepRecord => !('kind' in r));
}

/** The held-out records of a metrics file, in order. */
export function readHeldOut(path: string): HeldOutRecord[] {
  return readLines(path).filter((r): r is HeldOutRecord => 'kind' in r && r.kind === 'heldout');
}

function readLines(path: string): Line[] {
  if (!existsSync(path)) return [];
  const out: Line[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as Line);
    } catch {
      // Only the last line can be torn; anything after it was never written.
      break;
    }
  }
  return out;
}

/** Keeps the records up to and including `step`. */
export async function truncateMetrics(path: string, step: number): Promise<void> {
  const kept = readLines(path).filter((r) => r.step <= step);
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

/** Appends one held-out record. */
export function appendHeldOut(path: string, r: Omit<HeldOutRecord, 'kind'>): void {
  const line: HeldOutRecord = { kind: 'heldout', step: r.step, epoch: round(r.epoch, 6), loss: r.loss, trivial: r.trivial, images: r.images };
  appendFileSync(path, `${JSON.stringify(line)}\n`);
}

/**
 * metrics.jsonl: one JSON object per optimizer step, and after each epoch (and before the first
 * step) one `{"kind": "heldout", ...}` record: the held-out masked-patch loss beside the trivial
 * predictor's (runtime/train/heldout.ts), written through runtime/io/jsonl.ts (appended as made,
 * cut back to the checkpoint's step on resume).
 */
import { appendRecord, cutRecords, readRecords } from '../io/jsonl.ts';
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
  return readRecords(path) as unknown as Line[];
}

/** Keeps the records up to and including `step`. */
export async function truncateMetrics(path: string, step: number): Promise<void> {
  await cutRecords(path, step);
}

/** Appends one record. */
export function appendMetric(path: string, r: StepRecord): void {
  appendRecord(path, { step: r.step, epoch: round(r.epoch, 6), loss: r.loss, lr: r.lr, imagesPerSecond: round(r.imagesPerSecond, 1) });
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Appends one held-out record. */
export function appendHeldOut(path: string, r: Omit<HeldOutRecord, 'kind'>): void {
  const line: HeldOutRecord = { kind: 'heldout', step: r.step, epoch: round(r.epoch, 6), loss: r.loss, trivial: r.trivial, images: r.images };
  appendRecord(path, { ...line });
}

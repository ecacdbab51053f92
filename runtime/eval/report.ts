import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { accuracy, formatConfusionReport, perClassAccuracy, type Confusion } from './confusion.ts';
import { writeConfusionPng } from './confusion-png.ts';

/**
 * Writes a run's final results to its folder: result.json (top-1, per-class accuracy,
 * confusion counts, seconds) and confusion.png; returns the text report to print.
 */
export async function writeResults(outDir: string, c: Confusion, classNames: readonly string[] | null, extra: Readonly<Record<string, unknown>>): Promise<string> {
  const result = { ...extra, top1: accuracy(c), per_class: perClassAccuracy(c), class_names: classNames, confusion: Array.from(c.counts) };
  writeFileSync(join(outDir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  await writeConfusionPng(join(outDir, 'confusion.png'), c);
  return formatConfusionReport(c, classNames);
}

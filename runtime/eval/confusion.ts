/**
 * Classification results as counts: confusion[t * C + p] = images of true class t predicted p.
 */
export interface Confusion {
  readonly classes: number;
  /** [C, C] row-major, rows = true class, columns = prediction. */
  readonly counts: Int32Array;
}

export function confusionOf(labels: Int32Array, predictions: Int32Array, classes: number): Confusion {
  const counts = new Int32Array(classes * classes);
  for (let i = 0; i < labels.length; i++) counts[labels[i]! * classes + predictions[i]!]! += 1;
  return { classes, counts };
}

/** Top-1 accuracy in [0, 1]: the diagonal over the total. */
export function accuracy(c: Confusion): number {
  let right = 0;
  let total = 0;
  for (let t = 0; t < c.classes; t++)
    for (let p = 0; p < c.classes; p++) {
      const k = c.counts[t * c.classes + p]!;
      total += k;
      if (t === p) right += k;
    }
  return total > 0 ? right / total : 0;
}

/** Accuracy of each true class (NaN for a class with no images). */
export function perClassAccuracy(c: Confusion): number[] {
  const out: number[] = [];
  for (let t = 0; t < c.classes; t++) {
    let row = 0;
    for (let p = 0; p < c.classes; p++) row += c.counts[t * c.classes + p]!;
    out.push(row > 0 ? c.counts[t * c.classes + t]! / row : NaN);
  }
  return out;
}

/** A plain-text report: overall accuracy, then one line per class. */
export function formatConfusionReport(c: Confusion, names: readonly string[] | null): string {
  const per = perClassAccuracy(c);
  const label = (i: number) => names?.[i] ?? `class ${i}`;
  const width = Math.max(...per.map((_, i) => label(i).length));
  const lines = per.map((a, i) => `  ${label(i).padEnd(width)}  ${Number.isNaN(a) ? '   -' : `${(100 * a).toFixed(1).padStart(5)}%`}`);
  return `top-1 ${(100 * accuracy(c)).toFixed(2)}%\nper class:\n${lines.join('\n')}\n`;
}

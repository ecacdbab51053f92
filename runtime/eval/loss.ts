/**
 * The target distributions a classifier's `crossEntropy` op (the IR's classifier loss) is
 * trained against. With smoothing s, row n is (1 - s) * onehot(y_n) + s / C, so the op computes
 * timm's `LabelSmoothingCrossEntropy`:
 *   loss = mean_n[(1 - s) * (-log p[n, y_n]) + s * mean_c(-log p[n, c])]
 * s = 0 is plain cross-entropy.
 */

/** labels [N] class ids -> [N, C] row-major target distributions. */
export function smoothedTargets(labels: Int32Array, classes: number, smoothing: number): Float32Array {
  const out = new Float32Array(labels.length * classes).fill(smoothing / classes);
  for (let n = 0; n < labels.length; n++) {
    const y = labels[n]!;
    if (!(y >= 0 && y < classes)) throw new Error(`label ${y} of sample ${n} is outside 0..${classes - 1}`);
    out[n * classes + y] = 1 - smoothing + smoothing / classes;
  }
  return out;
}

import { zeros, type Mat } from './mat.ts';

/** The official loss normalises each target patch with a fixed 1e-6, whatever the LayerNorm eps. */
export const NORM_PIX_EPS = 1e-6;

/** Each row of t [L, P] as (t - mean) / sqrt(var + eps), var unbiased (divide by P - 1). */
export function normalizePatches(t: Mat, eps: number = NORM_PIX_EPS): Mat {
  const p = t.cols;
  const out = zeros(t.rows, p);
  for (let l = 0; l < t.rows; l++) {
    let mean = 0;
    for (let i = 0; i < p; i++) mean += t.data[l * p + i]!;
    mean /= p;
    let ss = 0;
    for (let i = 0; i < p; i++) ss += (t.data[l * p + i]! - mean) ** 2;
    const std = Math.sqrt(ss / (p - 1) + eps);
    for (let i = 0; i < p; i++) out.data[l * p + i] = (t.data[l * p + i]! - mean) / std;
  }
  return out;
}

/**
 * sum over images and patches of mask * mean_over_patch((pred - target)^2), divided by
 * sum(mask): the mean squared error on removed patches only. pred, target: [L, P] per image;
 * mask: [L] per image, 1 = removed.
 */
export function maskedMse(pred: readonly Mat[], target: readonly Mat[], mask: readonly (readonly number[])[]): number {
  let weighted = 0;
  let removed = 0;
  pred.forEach((y, n) => {
    const t = target[n]!;
    const m = mask[n]!;
    for (let l = 0; l < y.rows; l++) {
      let se = 0;
      for (let i = 0; i < y.cols; i++) se += (y.data[l * y.cols + i]! - t.data[l * t.cols + i]!) ** 2;
      weighted += m[l]! * (se / y.cols);
      removed += m[l]!;
    }
  });
  return weighted / removed;
}

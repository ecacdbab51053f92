import { zeros, type Mat } from './mat.ts';

/**
 * LayerNorm over each row of x [T, D]: (x - mean) / sqrt(var + eps) * gamma + beta with the
 * biased variance (divide by D), as torch.nn.LayerNorm.
 */
export function layerNorm(x: Mat, gamma: Float64Array, beta: Float64Array, eps: number): Mat {
  const d = x.cols;
  const y = zeros(x.rows, d);
  for (let t = 0; t < x.rows; t++) {
    let mean = 0;
    for (let i = 0; i < d; i++) mean += x.data[t * d + i]!;
    mean /= d;
    let variance = 0;
    for (let i = 0; i < d; i++) variance += (x.data[t * d + i]! - mean) ** 2;
    variance /= d;
    const inv = 1 / Math.sqrt(variance + eps);
    for (let i = 0; i < d; i++) y.data[t * d + i] = (x.data[t * d + i]! - mean) * inv * gamma[i]! + beta[i]!;
  }
  return y;
}

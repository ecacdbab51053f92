/**
 * Per-feature statistics of a feature matrix x [N, D] (row-major) and the standardisation
 * (x - mean) / sqrt(var + eps) with the biased variance: what `BatchNorm1d(affine=False)`
 * computes at evaluation once its running statistics have converged to the data's.
 */
export interface FeatureStats {
  readonly mean: Float64Array;
  readonly variance: Float64Array;
}

export function featureStats(x: Float32Array, dim: number): FeatureStats {
  const n = x.length / dim;
  const mean = new Float64Array(dim);
  const variance = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j]! += x[i * dim + j]!;
  for (let j = 0; j < dim; j++) mean[j]! /= n;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < dim; j++) {
      const d = x[i * dim + j]! - mean[j]!;
      variance[j]! += d * d;
    }
  for (let j = 0; j < dim; j++) variance[j]! /= n;
  return { mean, variance };
}

/** (x - mean) / sqrt(var + eps), a new array [N, D]. */
export function standardize(x: Float32Array, stats: FeatureStats, eps: number): Float32Array {
  const dim = stats.mean.length;
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const j = i % dim;
    out[i] = (x[i]! - stats.mean[j]!) / Math.sqrt(stats.variance[j]! + eps);
  }
  return out;
}

/**
 * Patch-level arithmetic on one image in plain arrays, for drawing reconstructions: the model's
 * `pred` is [L, p*p*C] in the official (h, w, c) order, l = i * (S / p) + j.
 */

/** [C, S, S] -> [L, p*p*C], element (r, s, c) of patch l at (r * p + s) * C + c. */
export function patchifyImage(image: Float32Array, channels: number, size: number, patch: number): Float32Array {
  const g = size / patch;
  const dim = patch * patch * channels;
  const out = new Float32Array(g * g * dim);
  for (let l = 0; l < g * g; l++) {
    const top = Math.floor(l / g) * patch;
    const left = (l % g) * patch;
    for (let r = 0; r < patch; r++)
      for (let s = 0; s < patch; s++)
        for (let c = 0; c < channels; c++) out[l * dim + (r * patch + s) * channels + c] = image[c * size * size + (top + r) * size + left + s]!;
  }
  return out;
}

/** [L, p*p*C] -> [C, S, S]: the inverse of `patchifyImage`. */
export function unpatchifyImage(patches: Float32Array, channels: number, size: number, patch: number): Float32Array {
  const g = size / patch;
  const dim = patch * patch * channels;
  const out = new Float32Array(channels * size * size);
  for (let l = 0; l < g * g; l++) {
    const top = Math.floor(l / g) * patch;
    const left = (l % g) * patch;
    for (let r = 0; r < patch; r++)
      for (let s = 0; s < patch; s++)
        for (let c = 0; c < channels; c++) out[c * size * size + (top + r) * size + left + s] = patches[l * dim + (r * patch + s) * channels + c]!;
  }
  return out;
}

/**
 * A prediction made in per-patch normalised units (normPixLoss) back in the target's units:
 * pred * sqrt(var + eps) + mean, with the target patch's mean and unbiased variance, as the
 * loss normalised it (and as the official visualisation undoes it).
 */
export function denormalizePatches(pred: Float32Array, target: Float32Array, dim: number, eps = 1e-6): Float32Array {
  if (pred.length !== target.length || pred.length % dim !== 0)
    throw new Error(`denormalizePatches: expected pred and target of equal length divisible by ${dim}, found ${pred.length} and ${target.length}`);
  const out = new Float32Array(pred.length);
  for (let at = 0; at < pred.length; at += dim) {
    let mean = 0;
    for (let k = 0; k < dim; k++) mean += target[at + k]!;
    mean /= dim;
    let ss = 0;
    for (let k = 0; k < dim; k++) ss += (target[at + k]! - mean) ** 2;
    const std = Math.sqrt(ss / (dim - 1) + eps);
    for (let k = 0; k < dim; k++) out[at + k] = pred[at + k]! * std + mean;
  }
  return out;
}

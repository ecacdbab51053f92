/**
 * Patch arithmetic on one image in plain arrays (the graph's own patchify is the tensor op in
 * runtime/tfjs/ops/patchify.ts): cutting an image [C, S, S] into the model's patches [L, p*p*C]
 * in the official (h, w, c) order and back, de-normalising a norm-pix prediction, and the
 * edits of the reconstruction figure (paper Fig. 2): blank out the masked patches of an
 * original, and paste the visible patches of the original over a reconstruction.
 * Images are [C, H, W]; patch l = i * (W / p) + j; the mask is [L], 1 = removed, 0 = kept (the
 * spec's convention).
 */

function checkShape(length: number, channels: number, height: number, width: number, mask: ArrayLike<number>, patch: number): void {
  if (length !== channels * height * width) throw new Error(`image: expected ${channels}x${height}x${width} = ${channels * height * width} values, found ${length}`);
  if (height % patch !== 0 || width % patch !== 0) throw new Error(`image ${height}x${width} is not divisible into ${patch}x${patch} patches`);
  const L = (height / patch) * (width / patch);
  if (mask.length !== L) throw new Error(`mask: expected ${L} entries (one per ${patch}x${patch} patch), found ${mask.length}`);
}

/** Calls `f(k)` for every element index k of every masked patch. */
function forMasked(channels: number, height: number, width: number, mask: ArrayLike<number>, patch: number, f: (k: number) => void): void {
  const g = width / patch;
  for (let l = 0; l < mask.length; l++) {
    if (mask[l]! < 0.5) continue;
    const top = Math.floor(l / g) * patch;
    const left = (l % g) * patch;
    for (let c = 0; c < channels; c++) {
      for (let r = 0; r < patch; r++) {
        const row = c * height * width + (top + r) * width + left;
        for (let s = 0; s < patch; s++) f(row + s);
      }
    }
  }
}

/** A copy of `image` with masked patches set to NaN (drawn as the grid's `maskedColour`). */
export function maskPatches(image: Float32Array, channels: number, height: number, width: number, mask: ArrayLike<number>, patch: number): Float32Array {
  checkShape(image.length, channels, height, width, mask, patch);
  const out = image.slice();
  forMasked(channels, height, width, mask, patch, (k) => {
    out[k] = Number.NaN;
  });
  return out;
}

/** The original where a patch was kept, the reconstruction where it was masked. */
export function pasteVisible(
  reconstruction: Float32Array,
  original: Float32Array,
  channels: number,
  height: number,
  width: number,
  mask: ArrayLike<number>,
  patch: number,
): Float32Array {
  checkShape(reconstruction.length, channels, height, width, mask, patch);
  checkShape(original.length, channels, height, width, mask, patch);
  const out = original.slice();
  forMasked(channels, height, width, mask, patch, (k) => {
    out[k] = reconstruction[k]!;
  });
  return out;
}

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
 * A prediction made in per-patch normalised units (normPixLoss) back in the target's units,
 * pred * sqrt(var + eps) + mean with a patch's mean and unbiased variance, using only what the
 * encoder saw: a visible patch (mask 0) with its own statistics, a masked patch (mask 1) with
 * the average mean and average variance of the image's visible patches. The masked patches'
 * own statistics are never read, so the figure shows only what the model predicted; the
 * brightness of a masked patch is an estimate from its visible neighbours.
 */
export function denormalizeWithVisibleStats(pred: Float32Array, target: Float32Array, mask: ArrayLike<number>, dim: number, eps = 1e-6): Float32Array {
  if (pred.length !== target.length || pred.length !== mask.length * dim)
    throw new Error(`denormalizeWithVisibleStats: expected pred and target of ${mask.length} patches x ${dim}, found ${pred.length} and ${target.length} values`);
  const means = new Float64Array(mask.length);
  const variances = new Float64Array(mask.length);
  let visible = 0;
  let meanOfVisible = 0;
  let varianceOfVisible = 0;
  for (let l = 0; l < mask.length; l++) {
    if (mask[l]! >= 0.5) continue;
    const at = l * dim;
    let mean = 0;
    for (let k = 0; k < dim; k++) mean += target[at + k]!;
    mean /= dim;
    let ss = 0;
    for (let k = 0; k < dim; k++) ss += (target[at + k]! - mean) ** 2;
    means[l] = mean;
    variances[l] = ss / (dim - 1);
    meanOfVisible += mean;
    varianceOfVisible += variances[l]!;
    visible += 1;
  }
  if (visible > 0) {
    meanOfVisible /= visible;
    varianceOfVisible /= visible;
  }
  const out = new Float32Array(pred.length);
  for (let l = 0; l < mask.length; l++) {
    const masked = mask[l]! >= 0.5;
    const mean = masked ? meanOfVisible : means[l]!;
    const std = Math.sqrt((masked ? varianceOfVisible : variances[l]!) + eps);
    for (let k = 0; k < dim; k++) out[l * dim + k] = pred[l * dim + k]! * std + mean;
  }
  return out;
}

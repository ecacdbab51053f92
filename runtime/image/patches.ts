/**
 * Patch-level image edits for the MAE reconstruction figure (paper Fig. 2): blank out the masked
 * patches of an original, and paste the visible patches of the original over a reconstruction.
 * Images are [C, H, W]; the mask is [L] in patch order l = i * (W / p) + j, 1 = removed, 0 = kept
 * (the spec's convention).
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

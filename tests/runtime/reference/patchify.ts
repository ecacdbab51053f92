import { zeros, type Mat } from './mat.ts';

/** Inside a patch: 'hwc' (the loss target) or 'chw' (how the conv weight [D, C, p, p] reads it). */
export type PatchOrder = 'hwc' | 'chw';

/** Where pixel (c, r, s) of a patch (channel, row, column) lives in its row of values. */
export function patchElement(order: PatchOrder, c: number, r: number, s: number, channels: number, patch: number): number {
  return order === 'hwc' ? (r * patch + s) * channels + c : (c * patch + r) * patch + s;
}

/**
 * One image [C, g*p, g*p] (row-major values) -> patches [L, p*p*C]: patch l = i*g + j holds
 * pixel (c, i*p + r, j*p + s) at patchElement(order, c, r, s).
 */
export function patchify(image: ArrayLike<number>, channels: number, size: number, patch: number, order: PatchOrder): Mat {
  const g = size / patch;
  if (!Number.isInteger(g)) throw new Error(`patch ${patch} does not divide image size ${size}`);
  if (image.length !== channels * size * size) throw new Error(`image: expected ${channels}x${size}x${size} values, got ${image.length}`);
  const out = zeros(g * g, patch * patch * channels);
  for (let i = 0; i < g; i++)
    for (let j = 0; j < g; j++)
      for (let c = 0; c < channels; c++)
        for (let r = 0; r < patch; r++)
          for (let s = 0; s < patch; s++)
            out.data[(i * g + j) * out.cols + patchElement(order, c, r, s, channels, patch)] = image[(c * size + i * patch + r) * size + j * patch + s]!;
  return out;
}

/** The inverse of patchify: patches [L, p*p*C] -> one image [C, g*p, g*p] (row-major values). */
export function unpatchify(patches: Mat, channels: number, patch: number, order: PatchOrder): Float64Array {
  const g = Math.round(Math.sqrt(patches.rows));
  if (g * g !== patches.rows || patches.cols !== patch * patch * channels) throw new Error(`unpatchify: [${patches.rows}, ${patches.cols}] is not a square grid of ${patch}x${patch}x${channels} patches`);
  const size = g * patch;
  const image = new Float64Array(channels * size * size);
  for (let i = 0; i < g; i++)
    for (let j = 0; j < g; j++)
      for (let c = 0; c < channels; c++)
        for (let r = 0; r < patch; r++)
          for (let s = 0; s < patch; s++)
            image[(c * size + i * patch + r) * size + j * patch + s] = patches.data[(i * g + j) * patches.cols + patchElement(order, c, r, s, channels, patch)]!;
  return image;
}

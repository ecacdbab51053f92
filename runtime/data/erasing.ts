/**
 * Random erasing for fine-tuning, timm's `RandomErasing(probability, mode='pixel', max_count=1)`:
 * with probability P one box of the *normalised* image is replaced by per-pixel N(0, 1) noise
 * (independent per channel). The box: area fraction uniform in [0.02, 1/3], aspect ratio
 * (height / width) log-uniform in [0.3, 1/0.3], sides rounded (half to even, as Python's round),
 * both strictly smaller than the image's; up to 10 attempts, then nothing is erased.
 * Draws come from a per-image stream of their own (`erasingRng`), so turning erasing on or off
 * leaves every other augmentation draw as it was.
 */
import { Rng } from '../rng.ts';
import type { Box } from '../image/resample.ts';
import { roundHalfEven } from './augment.ts';
import { mixSeed } from './order.ts';

export const ERASING = Object.freeze({ minArea: 0.02, maxArea: 1 / 3, minAspect: 0.3, maxAspect: 1 / 0.3, attempts: 10 });
/** The recipe's probability. */
export const RECIPE_REPROB = 0.25;

/** Salt of the erasing stream, apart from the shuffle and augmentation salts (order.ts). */
const ERASING_SALT = 0xe4a5e;

/** The generator for image `index`'s erasing in an epoch. */
export function erasingRng(seed: number, epoch: number, splitId: number, index: number): Rng {
  return Rng.fromSeed(mixSeed(seed, epoch, splitId, ERASING_SALT, index));
}

/** A box drawn for erasing, with the area it aimed at (before rounding the sides). */
export interface ErasedBox extends Box {
  readonly targetArea: number;
}

/** Draws the box for an h x w image, or null when no attempt fits. */
export function sampleErasingBox(rng: Rng, h: number, w: number): ErasedBox | null {
  const area = h * w;
  const logLo = Math.log(ERASING.minAspect);
  const logHi = Math.log(ERASING.maxAspect);
  for (let attempt = 0; attempt < ERASING.attempts; attempt++) {
    const targetArea = (ERASING.minArea + rng.uniform() * (ERASING.maxArea - ERASING.minArea)) * area;
    const aspect = Math.exp(logLo + rng.uniform() * (logHi - logLo));
    const bh = roundHalfEven(Math.sqrt(targetArea * aspect));
    const bw = roundHalfEven(Math.sqrt(targetArea / aspect));
    if (bw < w && bh < h) return { top: rng.int(h - bh + 1), left: rng.int(w - bw + 1), height: bh, width: bw, targetArea };
  }
  return null;
}

/**
 * Erases one box of the normalised [channels, h, w] image at `offset` in `dst` with probability
 * `probability`, drawing from `rng`. Returns the box, or null when nothing was erased.
 */
export function eraseImage(dst: Float32Array, offset: number, channels: number, h: number, w: number, probability: number, rng: Rng): ErasedBox | null {
  if (!(probability > 0) || !(rng.uniform() < probability)) return null;
  const box = sampleErasingBox(rng, h, w);
  if (!box) return null;
  for (let c = 0; c < channels; c++) {
    for (let y = box.top; y < box.top + box.height; y++) {
      const row = offset + (c * h + y) * w;
      for (let x = box.left; x < box.left + box.width; x++) dst[row + x] = rng.normal();
    }
  }
  return box;
}
